// What only the Deno adapter does: Deno.serve, Deno.upgradeWebSocket, Deno.env, shutdown.
import assert from "node:assert/strict";
import { config, serve } from "../../../adapters/deno.ts";
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
} from "../../../src/index.ts";
import { browserTarget, UPGRADE_HEADERS } from "../../suite/ws-client.ts";
import { env, rawHandshake, test, withServer } from "./support.ts";

/** A promise with its resolve function at hand. */
function deferred<T>() {
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
      await sleep(10); // the status and the first chunk go out first
      controller.error(new Error("stream failed midway"));
    },
  });
  return new Response(body);
}

function backgroundWork(_request: Request, ctx: Context) {
  ctx.waitUntil(sleep(50).then(() => finished.push("slow task")));
  ctx.waitUntil(Promise.reject(new Error("background failed")));
  return new PlainTextResponse("started");
}

async function slowAnswer() {
  arrived.resolve();
  await sleep(50);
  return new PlainTextResponse("answered after close() began");
}

function refuse(ws: WebSocketSession) {
  if (ws.request.headers.get("x-deny") === "http") throw new HTTPException(403, "no entry");
  throw new WebSocketException(4003, "not before accept");
}

async function echo(ws: WebSocketSession) {
  ws.accept({ subprotocol: ws.subprotocols.at(-1), headers: { "x-accepted": "yes" } });
  ws.sendText("sent before the socket opened");
  for await (const message of ws) {
    if (message === "close please") return ws.close(4001, "closing after accept");
    if (typeof message === "string") ws.sendText(`echo ${message}`);
    else ws.sendBytes(message);
  }
}

async function waitForClient(ws: WebSocketSession) {
  ws.accept();
  ws.sendText("ready");
  await ws.receiveText().catch((error) => clientLeft.resolve(error));
}

const reported: unknown[] = [];
const finished: string[] = [];
let arrived = deferred<void>();
let clientLeft = deferred<unknown>();

const app = new App({
  routes: [
    new Route("/", () => new PlainTextResponse("hello")),
    new Route("/broken-stream", brokenStream),
    new Route("/background", backgroundWork),
    new Route("/slow-answer", slowAnswer),
    new WebSocketRoute("/ws/refuse", refuse),
    new WebSocketRoute("/ws/echo", echo),
    new WebSocketRoute("/ws/wait", waitForClient),
  ],
  onError: (error) => reported.push(error),
});

test("serve() listens on 127.0.0.1 with the port the OS picked", () =>
  withServer(app, async (server) => {
    assert.equal(server.hostname, "127.0.0.1");
    assert.ok(server.port > 0);
    assert.equal(server.url.href, `http://127.0.0.1:${server.port}/`);
  }));

test("S-REP-2: a streamed body that fails midway cuts the connection, reported once", () =>
  withServer(app, async (server) => {
    const response = await fetch(new URL("/broken-stream", server.url));
    assert.equal(response.status, 200);
    await assert.rejects(response.text());
    const failures = reported.filter(
      (error) => (error as Error).message === "stream failed midway",
    );
    assert.equal(failures.length, 1);
  }));

test("S-REP-1: an app whose fetch rejects gets a 500, reported to onError", async () => {
  const serverErrors: unknown[] = [];
  const failing = { fetch: () => Promise.reject(new Error("not an edgelette app")) };
  const server = await serve(failing, { port: 0, onError: (error) => serverErrors.push(error) });
  const response = await fetch(server.url);
  assert.equal(response.status, 500);
  assert.equal(await response.text(), "Internal Server Error");
  await server.close();
  assert.deepEqual(
    serverErrors.map((error) => (error as Error).message),
    ["not an edgelette app"],
  );
});

test("S-BG-1: close() waits for background work; a failing task is reported", async () => {
  const server = await serve(app, { port: 0 });
  assert.equal(await (await fetch(new URL("/background", server.url))).text(), "started");
  await server.close();
  assert.deepEqual(finished, ["slow task"]);
  assert.ok(reported.some((error) => (error as Error).message === "background failed"));
  await assert.rejects(fetch(server.url));
});

test("close() lets a request in flight finish, then refuses connections", async () => {
  arrived = deferred<void>();
  const server = await serve(app, { port: 0 });
  const answer = fetch(new URL("/slow-answer", server.url));
  await arrived.promise;
  await server.close();
  assert.equal(await (await answer).text(), "answered after close() began");
  await assert.rejects(fetch(server.url));
});

test("aborting options.signal closes the server as close() does", async () => {
  const controller = new AbortController();
  const server = await serve(app, { port: 0, signal: controller.signal });
  assert.equal(await (await fetch(server.url)).text(), "hello");
  controller.abort();
  await server.close(); // the shutdown the abort started
  await assert.rejects(fetch(server.url));
});

test("S-WS-2: a WebSocketException before accept reaches Deno's client as a close code", () =>
  withServer(app, async (server) => {
    const socket = await browserTarget(server.url).connect("/ws/refuse");
    assert.deepEqual(await socket.next(), {
      kind: "close",
      code: 4003,
      reason: "not before accept",
    });
  }));

test("S-WS-3: an HTTPException before accept is an HTTP denial with status and body", () =>
  withServer(app, async (server) => {
    const headers = { ...UPGRADE_HEADERS, "x-deny": "http" };
    const response = await fetch(new URL("/ws/refuse", server.url), { headers });
    assert.equal(response.status, 403);
    assert.equal(await response.text(), "no entry");
  }));

test("S-WS-5: an upgrade to a path with no WebSocket route is a 404 denial", () =>
  withServer(app, async (server) => {
    const denial = await browserTarget(server.url).requestUpgrade("/background");
    assert.equal(denial.status, 404);
    assert.equal(denial.body, "Not Found");
  }));

test("S-BAD-3: a malformed upgrade (no Sec-WebSocket-Key) is a 400, not a reported 500", () =>
  withServer(app, async (server) => {
    const before = reported.length;
    const { "sec-websocket-key": _, ...headers } = UPGRADE_HEADERS;
    const response = await fetch(new URL("/ws/echo", server.url), { headers });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /sec-websocket-key/i);
    assert.equal(reported.length, before);
  }));

test("S-WS-10: early sends, text, bytes and a close after accept reach Deno's client", () =>
  withServer(app, async (server) => {
    const socket = await browserTarget(server.url).connect("/ws/echo", { protocols: ["a", "b"] });
    assert.equal(socket.protocol, "b");
    assert.deepEqual(await socket.next(), {
      kind: "message",
      data: "sent before the socket opened",
    });
    socket.send("hi");
    assert.deepEqual(await socket.next(), { kind: "message", data: "echo hi" });
    socket.send(new Uint8Array([1, 2, 3]));
    assert.deepEqual(await socket.next(), { kind: "message", data: new Uint8Array([1, 2, 3]) });
    socket.send("close please");
    assert.deepEqual(await socket.next(), {
      kind: "close",
      code: 4001,
      reason: "closing after accept",
    });
  }));

test("S-WS-1: headers given to accept() are on the 101 response", () =>
  withServer(app, async (server) => {
    // fetch cannot follow a 101: the handshake goes over a raw connection instead.
    const head = await rawHandshake(server.port, "/ws/echo");
    assert.match(head, /^HTTP\/1\.1 101/);
    assert.match(head, /\r\nx-accepted: yes\r\n/i);
  }));

test("S-WS-6: a client close reaches the endpoint and is reciprocated", () =>
  withServer(app, async (server) => {
    clientLeft = deferred<unknown>();
    const socket = await browserTarget(server.url).connect("/ws/wait");
    assert.deepEqual(await socket.next(), { kind: "message", data: "ready" });
    socket.close(4100, "client leaves");
    assert.deepEqual(await socket.next(), { kind: "close", code: 4100, reason: "client leaves" });
    const disconnect = await clientLeft.promise;
    assert.ok(disconnect instanceof WebSocketDisconnect);
    assert.deepEqual([disconnect.code, disconnect.reason], [4100, "client leaves"]);
  }));

test("close() tells open WebSocket clients 1001 going away, and the endpoint sees it", async () => {
  clientLeft = deferred<unknown>();
  const server = await serve(app, { port: 0 });
  const socket = await browserTarget(server.url).connect("/ws/wait");
  assert.deepEqual(await socket.next(), { kind: "message", data: "ready" });
  await server.close();
  assert.deepEqual(await socket.next(), { kind: "close", code: 1001, reason: "going away" });
  const disconnect = (await clientLeft.promise) as WebSocketDisconnect;
  assert.equal(disconnect.code, 1001);
});

test("S-DBG-5: config() reads Deno.env with a strict boolean cast", () => {
  env.set("EDGELETTE_DENO_FLAG", "TRUE");
  assert.equal(config().boolean("EDGELETTE_DENO_FLAG"), true);
  env.set("EDGELETTE_DENO_FLAG", "yes");
  assert.throws(() => config().boolean("EDGELETTE_DENO_FLAG"), /not a boolean/);
  env.delete("EDGELETTE_DENO_FLAG");
  assert.equal(config().boolean("EDGELETTE_DENO_FLAG", false), false);
});
