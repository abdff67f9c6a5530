// edgelette/node WebSockets: what only the `ws` transport owes, seen by the
// `ws` client. Close codes, denials and shutdown are in the shared adapter suite
// (server.test.ts); the shared WebSocket suite runs in websocket-suite.test.ts.
import assert from "node:assert/strict";
import { once } from "node:events";
import { connect as connectTcp } from "node:net";
import { afterAll, describe, it } from "vitest";
import WebSocket from "ws";
import { serve } from "../../../adapters/node.ts";
import {
  App,
  WebSocketDisconnect,
  WebSocketRoute,
  type WebSocketSession,
} from "../../../src/index.ts";
import type { ClientSocket } from "../../suite/ws-client.ts";
import { connect, wsUrl } from "./ws-target.ts";

/** What endpoints saw, for the assertions a client cannot make. */
const seen: Record<string, unknown> = {};

async function echo(ws: WebSocketSession) {
  ws.accept({ subprotocol: ws.subprotocols.at(-1), headers: { "x-accepted": "yes" } });
  ws.sendText("sent before the handshake finished");
  for await (const message of ws) {
    if (typeof message === "string") ws.sendText(`echo ${message}`);
    else {
      seen.binaryPrototype = Object.getPrototypeOf(message) === Uint8Array.prototype;
      ws.sendBytes(message);
    }
  }
}

/** Records how the client left: the endpoint's receive rejects with its code and reason. */
async function recordDisconnect(ws: WebSocketSession) {
  const key = new URL(ws.request.url).searchParams.get("key") ?? "";
  seen[`${key}:arrived`] = true;
  if (new URL(ws.request.url).searchParams.has("late")) {
    // Accept only after the client has gone: the session must still learn it left.
    const { signal } = ws.request;
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve));
  }
  ws.accept();
  try {
    await ws.receiveText();
  } catch (error) {
    const { code, reason } = error as WebSocketDisconnect;
    seen[key] = { disconnect: error instanceof WebSocketDisconnect, code, reason };
  }
}

const app = new App({
  routes: [new WebSocketRoute("/echo", echo), new WebSocketRoute("/record", recordDisconnect)],
  onError: (error) => {
    seen.reported = error;
  },
});

const server = await serve(app, { port: 0 });
afterAll(() => server.close());
const url = (path: string) => wsUrl(server.url, path);

async function nextEvent(socket: ClientSocket) {
  return socket.next();
}

/** Polls what an endpoint recorded: it lands just after the client sees the close. */
async function recorded(key: string): Promise<unknown> {
  for (let attempt = 0; attempt < 200 && !(key in seen); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return seen[key];
}

describe("edgelette/node only: the ws transport", () => {
  it("S-WS-1: sends queued before the 101, subprotocol and headers in the handshake, echo", async () => {
    const socket = await connect(url("/echo"), ["one", "two"]);
    assert.equal(socket.protocol, "two");
    assert.equal(socket.headers?.get("x-accepted"), "yes");
    assert.deepEqual(await nextEvent(socket), {
      kind: "message",
      data: "sent before the handshake finished",
    });
    socket.send("hi");
    assert.deepEqual(await nextEvent(socket), { kind: "message", data: "echo hi" });
    socket.send(new Uint8Array([0, 1, 255]));
    assert.deepEqual(await nextEvent(socket), {
      kind: "message",
      data: new Uint8Array([0, 1, 255]),
    });
    assert.equal(seen.binaryPrototype, true, "the session gets a plain Uint8Array, not a Buffer");
    socket.close();
  });

  it("a protocol error from the client (invalid UTF-8 text) closes 1007; the server carries on", async () => {
    const raw = new WebSocket(url("/record?key=bad-utf8"));
    await once(raw, "open");
    raw.send(Buffer.from([0xff, 0xfe]), { binary: false });
    const [code] = await once(raw, "close");
    assert.equal(code, 1007);
    // ws drops the connection after sending 1007: the endpoint sees an abnormal closure.
    assert.deepEqual(await recorded("bad-utf8"), { disconnect: true, code: 1006, reason: "" });
    const socket = await connect(url("/echo"));
    assert.equal((await nextEvent(socket)).kind, "message");
    socket.close();
  });

  it("a client that leaves before the endpoint accepts is a 1006 disconnect", async () => {
    const tcp = connectTcp(server.port, "127.0.0.1", () => {
      tcp.write(
        "GET /record?key=gone&late HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n" +
          "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
      );
    });
    assert.equal(await recorded("gone:arrived"), true);
    tcp.destroy();
    assert.deepEqual(await recorded("gone"), { disconnect: true, code: 1006, reason: "" });
  });

  it("a malformed handshake (no Sec-WebSocket-Key) is a 400 denial through the handlers", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      let received = "";
      const tcp = connectTcp(server.port, "127.0.0.1", () => {
        tcp.write(
          "GET /record?key=bad-handshake HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n" +
            "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n",
        );
      });
      tcp.setEncoding("latin1");
      tcp.on("data", (chunk: string) => {
        received += chunk;
      });
      tcp.once("close", () => resolve(received));
      tcp.once("error", reject);
    });
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(answer, /invalid WebSocket upgrade request/);
    assert.equal(seen["bad-handshake:arrived"], true);
    assert.equal("bad-handshake" in seen, false, "the endpoint never got a socket");
  });
});
