/**
 * The adapter contract of `serve()` on Deno, Bun and Node, seen by a real
 * client: listening, shutdown, background work, a body failing midway,
 * WebSocket close codes and denials, `config()`. Each test serves its own
 * app and closes it, so Deno's leak sanitizers can watch every test alone.
 */
import assert from "node:assert/strict";
import type { Config } from "../../src/config.ts";
import {
  App,
  type Context,
  HTTPException,
  PlainTextResponse,
  Route,
  WebSocketDisconnect,
  WebSocketException,
  WebSocketRoute,
  type WebSocketSession,
} from "../../src/index.ts";
import type { ServeOptions, ServerHandle } from "../../src/server/execution-context.ts";
import type { Fetchable } from "../../src/types.ts";
import type { RuntimeName, SuiteApi } from "./api.ts";
import type { ClientSocket, Denial } from "./ws-client.ts";

/** What a runtime hands the suite: its adapter, and its own client for WebSockets. */
export interface ServerTarget {
  runtime: RuntimeName;
  serve(app: Fetchable, options?: ServeOptions): Promise<ServerHandle>;
  config: () => Config;
  setEnv(key: string, value: string | undefined): void;
  /** Opens a WebSocket to a `ws:` URL; resolves once open. */
  connect: (url: URL, protocols?: string[]) => Promise<ClientSocket>;
  /** An upgrade the server refuses, with `Upgrade: websocket`: the HTTP response it answered with. */
  requestUpgrade: (url: URL) => Promise<Denial>;
}

/** `setEnv` for runtimes whose settings live in `process.env` (Node, Bun). */
export function setProcessEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}

/** A promise with its resolve function at hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const encoder = new TextEncoder();

function brokenStream() {
  const body = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(encoder.encode("first chunk\n")),
    async pull(controller) {
      await sleep(20); // the status and the first chunk go out first
      controller.error(new Error("stream failed midway"));
    },
  });
  return new Response(body);
}

function refuse(ws: WebSocketSession) {
  const how = new URL(ws.request.url).searchParams.get("how");
  if (how === "http") throw new HTTPException(403, "no entry", { "x-denied": "yes" });
  throw new WebSocketException(4003, "not before accept");
}

async function echo(ws: WebSocketSession) {
  ws.accept({ subprotocol: ws.subprotocols.at(-1) });
  ws.sendText("sent right after accept");
  for await (const message of ws) {
    if (message === "close please") return ws.close(4001, "closing after accept");
    if (typeof message === "string") ws.sendText(`echo ${message}`);
    else ws.sendBytes(message);
  }
}

/** A fresh app per test, and what its endpoints saw. */
function createServerApp() {
  const seen = {
    reported: [] as unknown[],
    finished: [] as string[],
    arrived: deferred(),
    abortReason: deferred<unknown>(),
    clientLeft: deferred<unknown>(),
  };
  const backgroundWork = (_request: Request, ctx: Context) => {
    ctx.waitUntil(sleep(50).then(() => seen.finished.push("slow task")));
    ctx.waitUntil(Promise.reject(new Error("background failed")));
    return new PlainTextResponse("started");
  };
  const slowAnswer = async () => {
    seen.arrived.resolve();
    await sleep(50);
    return new PlainTextResponse("answered after close() began");
  };
  const waitForAbort = async (request: Request) => {
    const aborted = new Promise((resolve) => request.signal.addEventListener("abort", resolve));
    seen.arrived.resolve();
    await aborted;
    seen.abortReason.resolve(request.signal.reason);
    return new PlainTextResponse("nobody is listening");
  };
  const waitForClient = async (ws: WebSocketSession) => {
    ws.accept();
    ws.sendText("ready");
    await ws.receiveText().catch((error) => seen.clientLeft.resolve(error));
  };
  const app = new App({
    routes: [
      new Route("/", () => new PlainTextResponse("hello")),
      new Route("/env", (_request, ctx) => new PlainTextResponse(String(ctx.env.GREETING))),
      new Route("/broken-stream", brokenStream),
      new Route("/background", backgroundWork),
      new Route("/never-finishes", (_request, ctx) => {
        ctx.waitUntil(new Promise(() => {}));
        return new PlainTextResponse("started");
      }),
      new Route("/slow-answer", slowAnswer),
      new Route("/wait-for-abort", waitForAbort),
      new WebSocketRoute("/ws/refuse", refuse),
      new WebSocketRoute("/ws/echo", echo),
      new WebSocketRoute("/ws/wait", waitForClient),
    ],
    onError: (error) => seen.reported.push(error),
  });
  return { app, seen };
}

export function serverSuite({ describe, it }: SuiteApi, target: ServerTarget): void {
  const { runtime } = target;
  const client = `${runtime[0].toUpperCase()}${runtime.slice(1)}'s client`;

  /** Serves a fresh app on 127.0.0.1, port 0, for the length of `fn`. */
  async function withServer(
    fn: (server: ServerHandle, seen: ReturnType<typeof createServerApp>["seen"]) => Promise<void>,
    options: ServeOptions = {},
  ): Promise<void> {
    const { app, seen } = createServerApp();
    const server = await target.serve(app, { ...options, port: 0 });
    try {
      await fn(server, seen);
    } finally {
      await server.close();
    }
  }

  const wsUrl = (server: ServerHandle, path: string) =>
    new URL(new URL(path, server.url).href.replace(/^http/, "ws"));

  describe(`edgelette/${runtime} serve()`, () => {
    it("listens on 127.0.0.1 with the port the OS picked", () =>
      withServer(async (server) => {
        assert.equal(server.hostname, "127.0.0.1");
        assert.ok(server.port > 0);
        assert.equal(server.url.port, String(server.port));
        assert.equal(server.url.href, `http://127.0.0.1:${server.port}/`);
      }));

    it("passes options.env to the app as ctx.env", () =>
      withServer(
        async (server) => {
          assert.equal(await (await fetch(new URL("/env", server.url))).text(), "hello from env");
        },
        { env: { GREETING: "hello from env" } },
      ));

    it("S-REP-3: a client that goes away aborts request.signal, and the late answer is dropped", () =>
      withServer(async (server, seen) => {
        const client = new AbortController();
        const answer = fetch(new URL("/wait-for-abort", server.url), { signal: client.signal });
        await seen.arrived.promise;
        client.abort();
        await assert.rejects(answer, { name: "AbortError" });
        assert.equal(((await seen.abortReason.promise) as Error).name, "AbortError");
      }));

    it("S-REP-2: a streamed body that fails midway cuts the connection, reported once", () =>
      withServer(async (server, seen) => {
        const response = await fetch(new URL("/broken-stream", server.url));
        assert.equal(response.status, 200);
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        assert.equal(new TextDecoder().decode((await reader.read()).value), "first chunk\n");
        await assert.rejects(reader.read()); // a broken body, never a clean end
        const failures = seen.reported.filter(
          (error) => (error as Error).message === "stream failed midway",
        );
        assert.equal(failures.length, 1);
      }));

    it("S-REP-1: a fetch handler that rejects or throws (not an edgelette app) gets a 500, reported", async () => {
      const serverErrors: unknown[] = [];
      const failing = {
        fetch: (request: Request) => {
          if (new URL(request.url).pathname === "/throws") throw new Error("threw at once");
          return Promise.reject(new Error("not an edgelette app"));
        },
      };
      const server = await target.serve(failing, {
        port: 0,
        onError: (error) => serverErrors.push(error),
      });
      for (const path of ["/", "/throws"]) {
        const response = await fetch(new URL(path, server.url));
        assert.equal(response.status, 500, path);
        assert.equal(await response.text(), "Internal Server Error");
      }
      await server.close();
      assert.deepEqual(
        serverErrors.map((error) => (error as Error).message),
        ["not an edgelette app", "threw at once"],
      );
    });

    it("S-BG-1: close() waits for background work; a failing task is reported", async () => {
      const { app, seen } = createServerApp();
      const server = await target.serve(app, { port: 0 });
      assert.equal(await (await fetch(new URL("/background", server.url))).text(), "started");
      await server.close();
      assert.deepEqual(seen.finished, ["slow task"]);
      assert.ok(seen.reported.some((error) => (error as Error).message === "background failed"));
      await assert.rejects(fetch(server.url));
    });

    it("close() lets a request in flight finish, then refuses connections", async () => {
      const { app, seen } = createServerApp();
      const server = await target.serve(app, { port: 0 });
      const answer = fetch(new URL("/slow-answer", server.url));
      await seen.arrived.promise;
      await server.close();
      assert.equal(await (await answer).text(), "answered after close() began");
      await assert.rejects(fetch(server.url));
    });

    it("close() gives up on work that never ends after shutdownTimeout", async () => {
      const { app } = createServerApp();
      const server = await target.serve(app, { port: 0, shutdownTimeout: 20 });
      const started = await fetch(new URL("/never-finishes", server.url));
      assert.equal(await started.text(), "started");
      await server.close(); // resolves: the test would time out otherwise
      await assert.rejects(fetch(new URL("/never-finishes", server.url)));
    });

    it("aborting options.signal closes the server as close() does", async () => {
      const { app } = createServerApp();
      const controller = new AbortController();
      const server = await target.serve(app, { port: 0, signal: controller.signal });
      assert.equal(await (await fetch(server.url)).text(), "hello");
      controller.abort();
      await server.close(); // the shutdown the abort started
      await assert.rejects(fetch(server.url));
    });
  });

  describe(`edgelette/${runtime} WebSockets`, () => {
    it(`S-WS-2: a WebSocketException before accept reaches ${client} as a close code`, () =>
      withServer(async (server) => {
        const socket = await target.connect(wsUrl(server, "/ws/refuse"));
        assert.deepEqual(await socket.next(), {
          kind: "close",
          code: 4003,
          reason: "not before accept",
        });
      }));

    it("S-WS-3: an HTTPException before accept is an HTTP denial with status, headers, body", () =>
      withServer(async (server) => {
        const denial = await target.requestUpgrade(wsUrl(server, "/ws/refuse?how=http"));
        assert.equal(denial.status, 403);
        assert.equal(denial.headers.get("x-denied"), "yes");
        assert.equal(denial.body, "no entry");
      }));

    it("S-WS-5: an upgrade to a path no route serves is a 404 denial", () =>
      withServer(async (server) => {
        const denial = await target.requestUpgrade(wsUrl(server, "/nowhere"));
        assert.equal(denial.status, 404);
        assert.equal(denial.body, "Not Found");
      }));

    it(`S-WS-10: early sends, text, bytes and a close after accept reach ${client}`, () =>
      withServer(async (server) => {
        const socket = await target.connect(wsUrl(server, "/ws/echo"), ["a", "b"]);
        assert.equal(socket.protocol, "b");
        assert.deepEqual(await socket.next(), { kind: "message", data: "sent right after accept" });
        socket.send("hi");
        assert.deepEqual(await socket.next(), { kind: "message", data: "echo hi" });
        socket.send(new Uint8Array([0, 1, 255]));
        assert.deepEqual(await socket.next(), {
          kind: "message",
          data: new Uint8Array([0, 1, 255]),
        });
        socket.send("close please");
        assert.deepEqual(await socket.next(), {
          kind: "close",
          code: 4001,
          reason: "closing after accept",
        });
      }));

    it("S-WS-6: a client close reaches the endpoint and is reciprocated", () =>
      withServer(async (server, seen) => {
        const socket = await target.connect(wsUrl(server, "/ws/wait"));
        assert.deepEqual(await socket.next(), { kind: "message", data: "ready" });
        socket.close(4100, "client leaves");
        assert.deepEqual(await socket.next(), {
          kind: "close",
          code: 4100,
          reason: "client leaves",
        });
        const disconnect = await seen.clientLeft.promise;
        assert.ok(disconnect instanceof WebSocketDisconnect);
        assert.deepEqual([disconnect.code, disconnect.reason], [4100, "client leaves"]);
      }));

    it("close() tells open WebSocket clients 1001 going away, and the endpoint sees it", async () => {
      const { app, seen } = createServerApp();
      const server = await target.serve(app, { port: 0 });
      const socket = await target.connect(wsUrl(server, "/ws/wait"));
      assert.deepEqual(await socket.next(), { kind: "message", data: "ready" });
      await server.close();
      assert.deepEqual(await socket.next(), { kind: "close", code: 1001, reason: "going away" });
      const disconnect = (await seen.clientLeft.promise) as WebSocketDisconnect;
      assert.deepEqual([disconnect.code, disconnect.reason], [1001, "going away"]);
    });
  });

  describe(`edgelette/${runtime} config()`, () => {
    it("S-DBG-5: reads the process environment with a strict boolean cast", () => {
      const key = `EDGELETTE_${runtime.toUpperCase()}_SUITE_FLAG`;
      try {
        target.setEnv(key, "TRUE");
        assert.equal(target.config().boolean(key), true);
        target.setEnv(key, "yes");
        assert.throws(() => target.config().boolean(key), /not a boolean/);
        target.setEnv(key, undefined);
        assert.equal(target.config().boolean(key, false), false);
      } finally {
        target.setEnv(key, undefined);
      }
    });
  });
}
