/**
 * What `serve()` owes under attack, on Deno, Bun and Node alike (issue 19):
 * bounded send buffers with no message lost, close codes for connections
 * that break, shutdown that ends everything it started, keep-alive that never
 * stalls, routing without a Host, and a request timeout. Clients here are raw
 * TCP sockets, because well-behaved clients cannot misbehave on purpose.
 */
import assert from "node:assert/strict";
import {
  App,
  PlainTextResponse,
  Route,
  WebSocketDisconnect,
  WebSocketRoute,
  type WebSocketSession,
} from "../../src/index.ts";
import type { ServeOptions, ServerHandle } from "../../src/server/execution-context.ts";
import type { SuiteApi } from "./api.ts";
import { openTcp, RawWebSocket, readToEnd, readUntil, startHandshake } from "./raw-ws.ts";
import type { ServerTarget } from "./server.ts";

/** A promise with its resolve function at hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const FLOOD_COUNT = 800;
const FLOOD_SIZE = 64 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with `promise`'s outcome, or "still pending" after `ms` (a hang must fail, not block). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | "still pending"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"still pending">((resolve) => {
    timer = setTimeout(() => resolve("still pending"), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A fresh app per test, and what its endpoints saw. */
function createAttackApp() {
  const seen = {
    reported: [] as unknown[],
    sent: deferred<{ sent: number; error: unknown }>(),
    gate: deferred(),
    arrived: deferred(),
    received: deferred<unknown>(),
  };
  async function flood(ws: WebSocketSession) {
    const drain = new URL(ws.request.url).searchParams.has("drain");
    ws.accept();
    const chunk = new Uint8Array(FLOOD_SIZE);
    let sent = 0;
    try {
      for (; sent < FLOOD_COUNT; sent++) {
        ws.sendBytes(chunk);
        if (drain) await ws.drained();
      }
      seen.sent.resolve({ sent, error: undefined });
    } catch (error) {
      seen.sent.resolve({ sent, error });
      throw error;
    }
  }
  async function waitForClient(ws: WebSocketSession) {
    seen.arrived.resolve();
    await seen.gate.promise;
    ws.accept();
    try {
      await ws.receiveText();
      seen.received.resolve("a message");
    } catch (error) {
      seen.received.resolve(error);
    }
  }
  const app = new App({
    routes: [
      new Route("/", () => new PlainTextResponse("root")),
      new Route("/secret", () => new PlainTextResponse("secret")),
      new Route("/admin/users", () => new PlainTextResponse("admin users")),
      new Route("/x/admin/users", () => new PlainTextResponse("x admin users")),
      new Route("/hang", () => {
        seen.arrived.resolve();
        return new Promise<Response>(() => {});
      }),
      new Route(
        "/unread",
        async () => {
          await sleep(1);
          return new PlainTextResponse("answered without reading the body");
        },
        { methods: ["POST"] },
      ),
      new WebSocketRoute("/ws/flood", flood),
      new WebSocketRoute("/ws/wait", waitForClient),
    ],
    onError: (error) => seen.reported.push(error),
  });
  return { app, seen };
}

type Seen = ReturnType<typeof createAttackApp>["seen"];

/** The status of a response, its body read to the end. */
async function statusOf(response: Promise<Response>): Promise<number> {
  const { status, body } = await response;
  await body?.cancel();
  return status;
}

/** Counts the HTTP responses in what a connection received. */
function statusLines(text: string): string[] {
  return text.match(/HTTP\/1\.[01] \d{3}/g) ?? [];
}

export function reliabilitySuite(
  { describe, it }: SuiteApi,
  target: Pick<ServerTarget, "runtime" | "serve"> & {
    /** Whether the runtime can drop a connection without a close handshake (Deno cannot). */
    cutsConnections: boolean;
  },
): void {
  const { runtime } = target;

  async function withServer(
    fn: (server: ServerHandle, seen: Seen) => Promise<void>,
    options: ServeOptions = {},
  ): Promise<void> {
    const { app, seen } = createAttackApp();
    const server = await target.serve(app, { ...options, port: 0 });
    try {
      await fn(server, seen);
    } finally {
      await server.close();
    }
  }

  describe(`edgelette/${runtime} WebSockets under attack`, () => {
    it("S-WS-1: a flood to a client that stops reading is bounded: close 1008, no sent message lost", () =>
      withServer(async (server, seen) => {
        const client = await RawWebSocket.connect(server.port, "/ws/flood");
        const { sent, error } = await seen.sent.promise;
        assert.ok(error instanceof WebSocketDisconnect, "the endpoint hears that it cannot send");
        assert.equal(error.code, 1008);
        assert.ok(sent < FLOOD_COUNT, `bounded at ${sent} of ${FLOOD_COUNT} messages`);
        const readout = await client.readAll();
        assert.equal(readout.messages, sent, "every send that returned arrives");
        assert.deepEqual(readout.close, { code: 1008, reason: "send buffer full" });
        assert.equal(seen.reported.length, 0, "a client that does not read is not a server error");
      }));

    if (target.cutsConnections) {
      it(
        "S-WS-1: a client that never reads is cut a few seconds after its 1008, freeing its buffer",
        () =>
          withServer(async (server, seen) => {
            const client = await RawWebSocket.connect(server.port, "/ws/flood");
            const { sent, error } = await seen.sent.promise;
            assert.equal((error as WebSocketDisconnect).code, 1008);
            await sleep(7000); // past the 5 s grace, still not reading
            // Cut: what the kernel held arrives, then the connection ends without the 1008 frame.
            const readout = await client.readAll(4000);
            assert.equal(readout.close, undefined, "the connection was cut before the close frame");
            assert.ok(readout.messages < sent);
          }),
        15_000,
      );
    }

    it("S-WS-1: an endpoint that awaits ws.drained() delivers every message to a slow reader", () =>
      withServer(async (server, seen) => {
        const client = await RawWebSocket.connect(server.port, "/ws/flood?drain");
        await sleep(50); // the endpoint fills the buffer and waits
        const readout = await client.readAll();
        assert.deepEqual(await seen.sent.promise, { sent: FLOOD_COUNT, error: undefined });
        assert.equal(readout.messages, FLOOD_COUNT);
        assert.equal(readout.bytes, FLOOD_COUNT * FLOOD_SIZE);
        assert.deepEqual(readout.close, { code: 1000, reason: "" });
      }));

    it("S-WS-6: a connection dropped without a close frame reaches the endpoint as 1006", () =>
      withServer(async (server, seen) => {
        seen.gate.resolve();
        const client = await RawWebSocket.connect(server.port, "/ws/wait");
        client.drop();
        const error = await seen.received.promise;
        assert.ok(error instanceof WebSocketDisconnect);
        assert.equal(error.code, 1006);
      }));

    for (const code of [999, 1005, 1006, 5000]) {
      it(`S-WS-6: a client close with the forbidden code ${code} is answered 1002, and the endpoint sees 1002`, () =>
        withServer(async (server, seen) => {
          seen.gate.resolve();
          const client = await RawWebSocket.connect(server.port, "/ws/wait");
          client.sendClose(code, code === 1005 ? "a reason" : "");
          const readout = await client.readAll();
          const error = await seen.received.promise;
          assert.ok(error instanceof WebSocketDisconnect);
          assert.equal(error.code, 1002);
          // The runtime answers 1002, or cuts the connection without a frame (never echoes).
          assert.equal(readout.close?.code ?? 1002, 1002);
        }));
    }

    it("S-WS-6: a client that leaves before accept() fails the endpoint's receive with WebSocketDisconnect", () =>
      withServer(
        async (server, seen) => {
          const socket = await startHandshake(server.port, "/ws/wait");
          await seen.arrived.promise;
          socket.destroy(); // the handshake has not been answered: the client gives up
          await sleep(20); // and the server has seen it go
          seen.gate.resolve();
          const error = await within(seen.received.promise, 4000);
          assert.ok(error instanceof WebSocketDisconnect, `got ${String(error)}`);
          assert.equal(error.code, 1006);
        },
        { shutdownTimeout: 100 },
      ));

    it("S-WS-6: a socket the endpoint accepts while close() runs is told 1001 going away", async () => {
      const { app, seen } = createAttackApp();
      const server = await target.serve(app, { port: 0, shutdownTimeout: 30_000 });
      const connecting = RawWebSocket.connect(server.port, "/ws/wait");
      await seen.arrived.promise;
      const closed = server.close();
      seen.gate.resolve(); // accepts now, during shutdown
      const readout = await (await connecting).readAll();
      // The code is the contract; Deno's own shutdown may word the reason ("Server shutting down").
      assert.equal(readout.close?.code, 1001);
      const error = await within(seen.received.promise, 4000);
      assert.ok(error instanceof WebSocketDisconnect, `got ${String(error)}`);
      assert.equal(error.code, 1001);
      assert.equal(await within(closed, 4000), undefined, "close() does not wait for its timeout");
    });
  });

  describe(`edgelette/${runtime} HTTP under attack`, () => {
    it("close() cuts a request that never answers once shutdownTimeout has passed", async () => {
      const { app, seen } = createAttackApp();
      const server = await target.serve(app, { port: 0, shutdownTimeout: 50 });
      const socket = await openTcp(server.port);
      socket.write("GET /hang HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      const received = readToEnd(socket);
      await seen.arrived.promise;
      await server.close();
      const text = await received;
      assert.ok(socket.destroyed, "the connection is closed");
      assert.ok(!/HTTP\/1\.1 [25]00/.test(text), `no success and no error page: ${text}`);
    });

    for (const size of [200_000, 2_000_000]) {
      it(`a keep-alive connection is not stalled by a ${size.toLocaleString("en")}-byte body the app did not read`, () =>
        withServer(async (server) => {
          const socket = await openTcp(server.port);
          socket.on("error", () => {}); // the server may close before it read the whole body
          const body = "x".repeat(size);
          const first = readUntil(socket, "answered without reading the body");
          socket.write(
            `POST /unread HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
          );
          let text = await first;
          const rest = readToEnd(socket);
          if (!socket.destroyed) {
            socket.write("GET /secret HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
          }
          text += await rest;
          const answers = statusLines(text);
          // Drained: both answered. Or closed after the first, as a server may (never a stall).
          if (answers.length === 1) assert.match(text, /connection: close/i);
          else assert.deepEqual(answers, ["HTTP/1.1 200", "HTTP/1.1 200"]);
          if (answers.length === 2) assert.match(text, /secret$/);
        }));
    }

    it("S-ROU-1: a request without a Host header is routed on its own path", () =>
      withServer(async (server) => {
        for (const [path, expected] of [
          ["/x/admin/users", "x admin users"],
          ["/secret", "secret"],
        ]) {
          const socket = await openTcp(server.port);
          socket.write(`GET ${path} HTTP/1.0\r\n\r\n`);
          const text = await readToEnd(socket);
          assert.match(text, /^HTTP\/1\.[01] 200/, path);
          assert.ok(text.endsWith(expected), `${path} served: ${text.slice(-40)}`);
        }
      }));

    it("S-BAD-3: a request target that is no usable URL is a 400, never a reported 500", () =>
      withServer(async (server, seen) => {
        for (const head of ["GET * HTTP/1.1\r\nHost: a\r\nConnection: close", "GET x HTTP/1.0"]) {
          const socket = await openTcp(server.port);
          socket.write(`${head}\r\n\r\n`);
          const text = await readToEnd(socket);
          const [status = "none"] = statusLines(text);
          assert.ok(/ 4\d\d$/.test(status), `${head}: ${status}`);
        }
        assert.equal(seen.reported.length, 0);
      }));

    /** The attack app served with `requestTimeout`, its reports collected. */
    async function serveWithTimeout(requestTimeout: number) {
      const { app, seen } = createAttackApp();
      const reports: unknown[] = [];
      const onError = (error: unknown) => {
        reports.push(error);
      };
      const server = await target.serve(app, { port: 0, requestTimeout, onError });
      return { server, seen, reports };
    }

    it("a request the app never answers gets a 503 after requestTimeout, reported once", async () => {
      const { server, seen, reports } = await serveWithTimeout(100);
      try {
        const response = await fetch(new URL("/hang", server.url));
        assert.equal(response.status, 503);
        assert.equal(await response.text(), "Service Unavailable");
        assert.equal(reports.length + seen.reported.length, 1);
        assert.match(String(reports[0]), /GET \/hang .*100 ms/);
        assert.equal(await (await fetch(server.url)).text(), "root", "the server still answers");
      } finally {
        await server.close();
      }
    });

    it("S-BAD-3: requestTimeout holds for each request: answered ones before and between do not delay or lose a 503", async () => {
      const { server, seen, reports } = await serveWithTimeout(100);
      const answered = async () => {
        const init = { method: "POST", body: "x" };
        const response = await fetch(new URL("/unread", server.url), init);
        assert.equal(response.status, 200);
        await response.text();
      };
      try {
        await answered(); // the deadline set for it passes while nothing is pending
        await sleep(40);
        const first = statusOf(fetch(new URL("/hang?n=1", server.url)));
        await sleep(40);
        await answered();
        const second = statusOf(fetch(new URL("/hang?n=2", server.url)));
        const statuses = await within(Promise.all([first, second]), 5000);
        assert.deepEqual(statuses, [503, 503]);
        assert.equal(reports.length + seen.reported.length, 2);
      } finally {
        await server.close();
      }
    });
  });
}
