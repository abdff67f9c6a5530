// edgelette/node: the shared adapter suite (HTTP and WebSockets through `ws`),
// then what only this adapter owes over HTTP: request and response conversion,
// Content-Length, backpressure, Set-Cookie, and the lazily created request.signal.
import assert from "node:assert/strict";
import { connect as connectTcp } from "node:net";
import { afterAll, describe, it } from "vitest";
import { config, serve } from "../../../adapters/node.ts";
import {
  App,
  ClientDisconnect,
  type Context,
  JSONResponse,
  Mount,
  PlainTextResponse,
  RedirectResponse,
  Route,
  readJson,
} from "../../../src/index.ts";
import { serverSuite, setProcessEnv } from "../../suite/server.ts";
import { connect, requestUpgrade } from "./ws-target.ts";

const encoder = new TextEncoder();
const reported: unknown[] = [];

/** A promise and the function that resolves it: lets a test wait for an endpoint. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const uploadArrived = signal();
const uploadFailed = signal<unknown>();
const declaredUploadArrived = signal();
const declaredUploadFailed = signal<unknown>();
const lateArrived = signal();
const lateReason = signal<unknown>();
/** Lets the slow stream's first chunk go. */
let releaseChunk: () => void;

async function describeRequest(request: Request, ctx: Context) {
  return new JSONResponse({
    method: request.method,
    url: request.url,
    repeated: request.headers.get("x-repeated"),
    body: await request.text(),
    env: ctx.env.GREETING ?? null,
  });
}

function cookies() {
  const headers = new Headers({ "content-type": "text/plain" });
  headers.append("set-cookie", "a=1; Path=/");
  headers.append("set-cookie", "b=2; HttpOnly");
  return new Response("two cookies", { status: 201, statusText: "Made", headers });
}

/** Resolves with the signal's reason once it aborts (at once if it already has). */
function aborted(clientGone: AbortSignal): Promise<unknown> {
  if (clientGone.aborted) return Promise.resolve(clientGone.reason);
  return new Promise((resolve) => {
    clientGone.addEventListener("abort", () => resolve(clientGone.reason));
  });
}

/**
 * An endpoint that answers only once the client has given up, watching the
 * signal of `copy(request)`; `arrived` and `reason` tell the test what it saw.
 */
function abortWaiter(copy: (request: Request) => Request = (request) => request) {
  const arrived = signal();
  const reason = signal<unknown>();
  const endpoint = async (request: Request) => {
    arrived.resolve();
    reason.resolve(await aborted(copy(request).signal));
    return new PlainTextResponse("nobody is listening");
  };
  return { endpoint, arrived: arrived.promise, reason: reason.promise };
}

const waiters = {
  clone: abortWaiter((request) => request.clone()),
  mounted: abortWaiter(),
};

/** Reads `request.signal` for the first time only after the client has left. */
async function lateSignal(request: Request) {
  lateArrived.resolve();
  await request.text().catch(() => {}); // the body breaks: the client is gone
  await new Promise((resolve) => setImmediate(resolve)); // and Node has seen its socket close
  lateReason.resolve(await aborted(request.signal));
  return new PlainTextResponse("nobody is listening");
}

function slowFirstChunk() {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      releaseChunk = () => {
        controller.enqueue(encoder.encode("data: late\n\n"));
        controller.close();
      };
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

const BIG_CHUNK = 64 * 1024;
const BIG_CHUNKS = 40;

/** Chunks larger than Node's write buffer: every write waits for "drain". */
function bigStream() {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ === BIG_CHUNKS) return controller.close();
      controller.enqueue(new Uint8Array(BIG_CHUNK).fill(sent % 256));
    },
  });
  return new Response(body);
}

/** An endpoint reading a JSON body, telling the test when it started and how it failed. */
function uploadEndpoint(arrived: { resolve(): void }, failed: { resolve(error: unknown): void }) {
  return async (request: Request) => {
    arrived.resolve();
    try {
      return new JSONResponse(await readJson(request));
    } catch (error) {
      failed.resolve(error);
      throw error;
    }
  };
}

function failingWork(_request: Request, ctx: Context) {
  ctx.waitUntil(Promise.reject(new Error("background failed")));
  return new PlainTextResponse("started");
}

const app = new App({
  routes: [
    new Route("/describe", describeRequest, { methods: ["GET", "POST"] }),
    new Route("/cookies", cookies),
    new Route("/clone-waits-for-abort", waiters.clone.endpoint),
    // A foreign fetch handler gets a copy of the request: `new Request(url, request)`.
    new Mount("/foreign", { fetch: waiters.mounted.endpoint }),
    new Route("/late-signal", lateSignal, { methods: ["POST"] }),
    new Route("/text", () => new PlainTextResponse("héllo wörld")),
    new Route("/wrong-length", () => {
      return new PlainTextResponse("hello", { headers: { "content-length": "999" } });
    }),
    new Route("/redirect", () => new RedirectResponse("/text")),
    new Route("/cloned-text", async () => {
      const response = new PlainTextResponse("sent whole");
      await response.clone().text(); // a middleware that logs what it sends
      return response;
    }),
    new Route("/taken-stream", () => {
      const response = new JSONResponse({ sent: "whole" });
      void response.body; // looked at, never read
      return response;
    }),
    new Route("/no-content", () => new JSONResponse(null, { status: 204 })),
    new Route("/slow-first-chunk", slowFirstChunk),
    new Route("/big-stream", bigStream),
    new Route("/upload", uploadEndpoint(uploadArrived, uploadFailed), { methods: ["POST"] }),
    new Route("/declared-upload", uploadEndpoint(declaredUploadArrived, declaredUploadFailed), {
      methods: ["POST"],
    }),
    new Route("/failing-work", failingWork),
  ],
  onError: (error) => reported.push(error),
});

serverSuite(
  { describe, it },
  {
    runtime: "node",
    serve,
    config,
    setEnv: setProcessEnv,
    connect: (url, protocols) => connect(url.href, protocols),
    requestUpgrade: (url) => requestUpgrade(url.href),
  },
);

const server = await serve(app, { port: 0, env: { GREETING: "hello" } });
afterAll(() => server.close());
const at = (path: string, base = server.url) => new URL(path, base);

/** Sends raw bytes and returns everything the server wrote back before closing. */
function rawExchange(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(server.port, "127.0.0.1", () => socket.end(text));
    let received = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
    });
    socket.once("close", () => resolve(received));
    socket.once("error", reject);
  });
}

describe("edgelette/node only: HTTP conversion and request.signal", () => {
  it("gives the app the method, URL, repeated headers, streamed body and env", async () => {
    const response = await fetch(at("/describe?q=1"), {
      method: "POST",
      headers: [
        ["x-repeated", "one"],
        ["x-repeated", "two"],
      ],
      body: new Blob(["x".repeat(100_000)]).stream(),
      duplex: "half",
    } as RequestInit);
    assert.deepEqual(await response.json(), {
      method: "POST",
      url: `http://127.0.0.1:${server.port}/describe?q=1`,
      repeated: "one, two",
      body: "x".repeat(100_000),
      env: "hello",
    });
  });

  it("writes the status, reason phrase and every Set-Cookie header separately", async () => {
    const response = await fetch(at("/cookies"));
    assert.equal(response.status, 201);
    assert.equal(response.statusText, "Made");
    assert.deepEqual(response.headers.getSetCookie(), ["a=1; Path=/", "b=2; HttpOnly"]);
    assert.equal(await response.text(), "two cookies");
  });

  it("writes a body edgelette built from a string in one piece, with its Content-Length", async () => {
    const response = await fetch(at("/text"));
    assert.equal(
      response.headers.get("content-length"),
      String(encoder.encode("héllo wörld").length),
    );
    assert.equal(response.headers.get("transfer-encoding"), null);
    assert.equal(await response.text(), "héllo wörld");
  });

  it("a buffered body's own Content-Length gives way to its true length", async () => {
    const response = await fetch(at("/wrong-length"));
    assert.equal(response.headers.get("content-length"), "5");
    assert.equal(await response.text(), "hello");
  });

  it("a response without a body says Content-Length: 0, not a chunked empty body", async () => {
    const answer = await rawExchange(
      "GET /redirect HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.match(answer, /^HTTP\/1\.1 307 /);
    assert.match(answer, /\r\ncontent-length: 0\r\n/i);
    assert.doesNotMatch(answer, /transfer-encoding/i);
  });

  for (const [path, body] of [
    ["/cloned-text", "sent whole"],
    ["/taken-stream", '{"sent":"whole"}'],
  ]) {
    it(`an edgelette response whose body was cloned or looked at still goes out whole (${path})`, async () => {
      const response = await fetch(at(path));
      assert.equal(response.headers.get("content-length"), String(body.length));
      assert.equal(await response.text(), body);
    });
  }

  it("S-RES-2: an edgelette 204 goes out with neither a body nor a Content-Length", async () => {
    const answer = await rawExchange(
      "GET /no-content HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.match(answer, /^HTTP\/1\.1 204 /);
    assert.doesNotMatch(answer, /content-length|transfer-encoding|content-type/i);
    assert.ok(answer.endsWith("\r\n\r\n"), "nothing after the headers");
  });

  it("S-ROU-6: HEAD gets the status and headers, no body", async () => {
    const response = await fetch(at("/cookies"), { method: "HEAD" });
    assert.equal(response.status, 201);
    assert.equal(response.headers.getSetCookie().length, 2);
    assert.equal(await response.text(), "");
  });

  for (const [name, path] of [
    ["clone", "/clone-waits-for-abort"],
    ["mounted", "/foreign/"],
  ] as const) {
    it(`the client's signal follows a request copy (${name})`, async () => {
      const client = new AbortController();
      const pending = fetch(at(path), { signal: client.signal });
      await waiters[name].arrived;
      client.abort();
      await assert.rejects(pending);
      assert.equal(((await waiters[name].reason) as Error).name, "AbortError");
    });
  }

  it("request.signal read for the first time after the client left is aborted", async () => {
    const client = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode("partial"));
      },
    });
    const pending = fetch(at("/late-signal"), {
      method: "POST",
      body,
      duplex: "half",
      signal: client.signal,
    } as RequestInit);
    await lateArrived.promise;
    client.abort();
    await assert.rejects(pending);
    assert.equal(((await lateReason.promise) as Error).name, "AbortError");
  });

  it("S-REP-3: a client that leaves mid-upload is a ClientDisconnect, not reported", async () => {
    const own = await serve(app, { port: 0 });
    const client = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('{"partial": '));
      },
    });
    const pending = fetch(at("/upload", own.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
      signal: client.signal,
    } as RequestInit);
    await uploadArrived.promise;
    client.abort();
    await assert.rejects(pending);
    assert.ok((await uploadFailed.promise) instanceof ClientDisconnect);
    await own.close(); // the request has been answered: anything reported is in by now
    assert.equal(
      reported.some((error) => error instanceof ClientDisconnect),
      false,
    );
  });

  it("S-REP-3: a client that leaves mid-body after declaring its length is a ClientDisconnect", async () => {
    const own = await serve(app, { port: 0 });
    const socket = connectTcp(own.port, "127.0.0.1");
    socket.on("error", () => {});
    socket.write(
      "POST /declared-upload HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"partial": ',
    );
    await declaredUploadArrived.promise;
    socket.destroy();
    assert.ok((await declaredUploadFailed.promise) instanceof ClientDisconnect);
    await own.close();
    assert.equal(
      reported.some((error) => error instanceof ClientDisconnect),
      false,
    );
  });

  it("sends the status of a stream at once, before its first chunk is ready", async () => {
    const response = await fetch(at("/slow-first-chunk"));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    releaseChunk();
    assert.equal(await response.text(), "data: late\n\n");
  });

  it("streams a large body through backpressure, whole and without leaking listeners", async () => {
    const warnings: Error[] = [];
    const watch = (warning: Error) => warnings.push(warning);
    process.on("warning", watch);
    try {
      const body = new Uint8Array(await (await fetch(at("/big-stream"))).arrayBuffer());
      assert.equal(body.byteLength, BIG_CHUNK * BIG_CHUNKS);
      assert.equal(body[body.byteLength - 1], BIG_CHUNKS % 256);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      assert.deepEqual(
        warnings.map((warning) => warning.name),
        [],
      );
    } finally {
      process.off("warning", watch);
    }
  });

  it("answers 400 to a request fetch cannot represent (a Host with a space)", async () => {
    const answer = await rawExchange(
      "GET /describe HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n",
    );
    assert.match(answer, /^HTTP\/1\.1 400 /);
  });

  it("S-BG-2: a failing background task is reported, never an unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const watch = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", watch);
    try {
      const own = await serve(app, { port: 0 });
      assert.equal(await (await fetch(at("/failing-work", own.url))).text(), "started");
      await own.close();
      assert.ok(reported.some((error) => (error as Error).message === "background failed"));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off("unhandledRejection", watch);
    }
  });

  it("rejects an app without fetch, naming the rule", async () => {
    await assert.rejects(serve({} as never), /needs an app with a fetch/);
  });

  it("rejects when the port is taken", async () => {
    await assert.rejects(serve(app, { port: server.port }), /EADDRINUSE/);
  });
});
