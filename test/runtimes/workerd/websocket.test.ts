import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { worker } from "../../../adapters/cloudflare.ts";
import type { App } from "../../../src/index.ts";
import type { ClientSocket } from "../../suite/ws-client.ts";
import { createAdapterApp } from "./adapter-app.ts";
import { openPairClient, upgradeRequest } from "./targets.ts";

/** The upgrade response from `worker(app)`, called directly with a real ExecutionContext. */
function connect(app: App, path: string, protocols?: string[]) {
  const request = upgradeRequest(`http://adapter.test${path}`, protocols);
  return worker(app).fetch(request, env, createExecutionContext());
}

async function open(path: string, app = createAdapterApp().app) {
  return openPairClient(await connect(app, path));
}

async function nextMessage(socket: ClientSocket) {
  const event = await socket.next();
  assert.equal(event.kind, "message", `expected a message, got ${JSON.stringify(event)}`);
  return event.kind === "message" ? event.data : undefined;
}

describe("edgelette/cloudflare: WebSockets over WebSocketPair", () => {
  it("S-WS-2: a WebSocketException before accept reaches the client as a close frame", async () => {
    const socket = await open("/ws/before");
    assert.deepEqual(await socket.next(), { kind: "close", code: 4001, reason: "not yet" });
  });

  it("S-WS-2: a WebSocketException after accept closes with its code and reason", async () => {
    const socket = await open("/ws/after");
    assert.equal(await nextMessage(socket), "hello");
    assert.deepEqual(await socket.next(), { kind: "close", code: 4002, reason: "enough" });
  });

  it("S-WS-3: an HTTPException before accept is an HTTP denial with status and body", async () => {
    const response = await connect(createAdapterApp().app, "/ws/deny");
    assert.equal(response.status, 403);
    assert.equal(await response.text(), "members only");
  });

  it("S-WS-4: an unhandled error after accept closes 1011 and is reported once", async () => {
    const { app, spy } = createAdapterApp();
    const socket = await open("/ws/crash", app);
    const close = await socket.next();
    assert.equal(close.kind === "close" && close.code, 1011);
    assert.deepEqual(
      spy.errors.map((error) => (error as Error).message),
      ["endpoint crashed"],
    );
  });

  it("S-WS-1: text and bytes echo; the subprotocol and headers come with the 101", async () => {
    const response = await connect(createAdapterApp().app, "/ws/echo", ["chat.v1", "chat.v2"]);
    assert.equal(response.status, 101);
    assert.equal(response.headers.get("sec-websocket-protocol"), "chat.v2");
    assert.equal(response.headers.get("x-room"), "lobby");
    const socket = await openPairClient(response);
    socket.send("hi");
    assert.equal(await nextMessage(socket), "echo hi");
    socket.send(new Uint8Array([1, 2, 3]));
    assert.deepEqual(await nextMessage(socket), new Uint8Array([1, 2, 3]));
  });

  it("S-WS-6: a client close reaches the endpoint, and is answered with the same code", async () => {
    const { app, serverSaw } = createAdapterApp();
    const socket = await open("/ws/wait", app);
    socket.close(4100, "bye");
    assert.deepEqual(await serverSaw, { code: 4100, reason: "bye" });
    assert.deepEqual(await socket.next(), { kind: "close", code: 4100, reason: "bye" });
  });

  it("S-WS-10: without worker(), a WebSocket route fails naming the adapters", async () => {
    const { app, spy } = createAdapterApp();
    const request = upgradeRequest("http://adapter.test/ws/echo");
    const response = await app.fetch(request, env, createExecutionContext());
    assert.equal(response.status, 500);
    assert.match((spy.errors[0] as Error).message, /edgelette\/cloudflare/);
  });
});
