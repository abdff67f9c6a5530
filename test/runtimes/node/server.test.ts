// edgelette/node over HTTP: what the adapter itself owes (request and
// response conversion, streaming, shutdown, config), seen by a real client.
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

const encoder = new TextEncoder();
const reported: unknown[] = [];
const finishedWork: string[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise and the function that resolves it: lets a test wait for an endpoint. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const slowAnswerArrived = signal();
const uploadArrived = signal();
const uploadFailed = signal<unknown>();
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
  direct: abortWaiter(),
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

function brokenStream() {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode("first chunk\n"));
    },
    async pull(controller) {
      await sleep(10); // lets the status and the first chunk go out first
      controller.error(new Error("stream failed midway"));
    },
  });
  return new Response(body);
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

async function upload(request: Request) {
  uploadArrived.resolve();
  try {
    return new JSONResponse(await readJson(request));
  } catch (error) {
    uploadFailed.resolve(error);
    throw error;
  }
}

function slowWork(_request: Request, ctx: Context) {
  ctx.waitUntil(sleep(30).then(() => finishedWork.push("slow task")));
  return new PlainTextResponse("started");
}

function failingWork(_request: Request, ctx: Context) {
  ctx.waitUntil(Promise.reject(new Error("background failed")));
  return new PlainTextResponse("started");
}

async function slowAnswer() {
  slowAnswerArrived.resolve();
  await sleep(30);
  return new PlainTextResponse("answered while closing");
}

const app = new App({
  routes: [
    new Route("/describe", describeRequest, { methods: ["GET", "POST"] }),
    new Route("/cookies", cookies),
    new Route("/wait-for-abort", waiters.direct.endpoint),
    new Route("/clone-waits-for-abort", waiters.clone.endpoint),
    // A foreign fetch handler gets a copy of the request: `new Request(url, request)`.
    new Mount("/foreign", { fetch: waiters.mounted.endpoint }),
    new Route("/late-signal", lateSignal, { methods: ["POST"] }),
    new Route("/text", () => new PlainTextResponse("héllo wörld")),
    new Route("/wrong-length", () => {
      return new PlainTextResponse("hello", { headers: { "content-length": "999" } });
    }),
    new Route("/redirect", () => new RedirectResponse("/text")),
    new Route("/broken-stream", brokenStream),
    new Route("/slow-first-chunk", slowFirstChunk),
    new Route("/big-stream", bigStream),
    new Route("/upload", upload, { methods: ["POST"] }),
    new Route("/slow-work", slowWork),
    new Route("/failing-work", failingWork),
    new Route("/slow-answer", slowAnswer),
    new Route("/never-finishes", (_request, ctx) => {
      ctx.waitUntil(new Promise(() => {}));
      return new PlainTextResponse("started");
    }),
  ],
  onError: (error) => reported.push(error),
});

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

describe("edgelette/node serve()", () => {
  it("listens on 127.0.0.1 with the port the OS picked", () => {
    assert.equal(server.hostname, "127.0.0.1");
    assert.ok(server.port > 0);
    assert.equal(server.url.href, `http://127.0.0.1:${server.port}/`);
  });

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

  it("S-ROU-6: HEAD gets the status and headers, no body", async () => {
    const response = await fetch(at("/cookies"), { method: "HEAD" });
    assert.equal(response.status, 201);
    assert.equal(response.headers.getSetCookie().length, 2);
    assert.equal(await response.text(), "");
  });

  it("request.signal aborts when the client goes away, and the late answer is dropped", async () => {
    const own = await serve(app, { port: 0 });
    const client = new AbortController();
    const pending = fetch(at("/wait-for-abort", own.url), { signal: client.signal });
    await waiters.direct.arrived;
    client.abort();
    await assert.rejects(pending);
    const reason = await waiters.direct.reason;
    assert.equal((reason as Error).name, "AbortError");
    await own.close(); // nothing waits on the gone client: this resolves well before the test times out
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

  it("S-REP-2: a streamed body that fails midway cuts the connection and is reported", async () => {
    const response = await fetch(at("/broken-stream"));
    assert.equal(response.status, 200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    assert.equal(new TextDecoder().decode((await reader.read()).value), "first chunk\n");
    await assert.rejects(reader.read()); // a broken body, never a clean end
    assert.ok(reported.some((error) => (error as Error).message === "stream failed midway"));
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

  it("S-BG-1: close() waits for in-flight requests and background work", async () => {
    const own = await serve(app, { port: 0 });
    assert.equal(await (await fetch(at("/slow-work", own.url))).text(), "started");
    const inFlight = fetch(at("/slow-answer", own.url));
    await slowAnswerArrived.promise; // close() begins while the request is being answered
    const closed = own.close();
    assert.equal(await (await inFlight).text(), "answered while closing");
    await closed;
    assert.ok(finishedWork.includes("slow task"));
    await assert.rejects(fetch(at("/slow-work", own.url)), "no longer accepting");
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

  it("close() gives up on work that never ends after shutdownTimeout", async () => {
    const own = await serve(app, { port: 0, shutdownTimeout: 20 });
    assert.equal(await (await fetch(at("/never-finishes", own.url))).text(), "started");
    await own.close(); // resolves: the test would time out otherwise
    await assert.rejects(fetch(at("/never-finishes", own.url)));
  });

  it("aborting options.signal closes the server, as close() does", async () => {
    const stop = new AbortController();
    const own = await serve(app, { port: 0, signal: stop.signal });
    assert.equal((await fetch(at("/cookies", own.url))).status, 201);
    stop.abort();
    await own.close(); // the same shutdown, already under way
    await assert.rejects(fetch(at("/cookies", own.url)));
  });

  it("rejects an app without fetch, naming the rule", async () => {
    await assert.rejects(serve({} as never), /needs an app with a fetch/);
  });

  it("rejects when the port is taken", async () => {
    await assert.rejects(serve(app, { port: server.port }), /EADDRINUSE/);
  });
});

describe("edgelette/node config()", () => {
  it("S-DBG-5: reads process.env with a strict boolean cast", () => {
    process.env.EDGELETTE_NODE_TEST_FLAG = "TRUE";
    try {
      assert.equal(config().boolean("EDGELETTE_NODE_TEST_FLAG"), true);
      process.env.EDGELETTE_NODE_TEST_FLAG = "yes";
      assert.throws(() => config().boolean("EDGELETTE_NODE_TEST_FLAG"), /not a boolean/);
      assert.equal(config().boolean("EDGELETTE_NODE_TEST_MISSING", false), false);
    } finally {
      delete process.env.EDGELETTE_NODE_TEST_FLAG;
    }
  });
});
