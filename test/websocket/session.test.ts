import assert from "node:assert/strict";
import { describe, it } from "vitest";
import {
  App,
  HTTPException,
  InvalidWebSocketMessage,
  WebSocketDisconnect,
  WebSocketException,
  WebSocketRoute,
  WebSocketSession,
} from "../../src/index.ts";
import { TestClient, WebSocketDenialResponse } from "../../src/testing/index.ts";
import type {
  AcceptOptions,
  TransportEvents,
  WebSocketMessage,
  WebSocketTransport,
} from "../../src/websocket/transport.ts";

/** Records what the session asks of the runtime; `events` lets a test play the client. */
class FakeTransport implements WebSocketTransport {
  accepted: AcceptOptions | undefined;
  events: TransportEvents | undefined;
  readonly sent: WebSocketMessage[] = [];
  readonly closes: Array<{ code: number; reason: string }> = [];

  accept(options: AcceptOptions, events: TransportEvents): Response {
    this.accepted = options;
    this.events = events;
    return new Response(null, { status: 200 });
  }

  /** What the fake runtime reports as waiting to go out. */
  buffered = 0;
  /** Whether the fake runtime drops what it is given, as Bun's send returning 0 does. */
  drops = false;

  send(data: WebSocketMessage): boolean {
    if (this.drops) return false;
    this.sent.push(data);
    return true;
  }

  bufferedAmount(): number {
    return this.buffered;
  }

  close(code: number, reason: string): void {
    this.closes.push({ code, reason });
  }
}

function session(
  options: {
    protocols?: string;
    idleTimeout?: number;
    maxMessageSize?: number;
    maxBufferedAmount?: number;
  } = {},
) {
  const headers = new Headers({ upgrade: "websocket" });
  if (options.protocols) headers.set("sec-websocket-protocol", options.protocols);
  const transport = new FakeTransport();
  const { idleTimeout, maxMessageSize, maxBufferedAmount } = options;
  const limits = { idleTimeout, maxMessageSize, maxBufferedAmount };
  const ws = new WebSocketSession(new Request("http://test/ws", { headers }), transport, limits);
  return { ws, transport };
}

/** The session's events, once accepted: what the runtime would deliver from the client. */
function client(transport: FakeTransport): TransportEvents {
  assert.ok(transport.events, "the session has not accepted yet");
  return transport.events;
}

describe("WebSocketSession: the state machine", () => {
  it("S-WS-8: receive before accept rejects with an Error naming accept()", async () => {
    const { ws } = session();
    await assert.rejects(ws.receiveText(), /must be accepted before receiving.*ws\.accept\(\)/);
    assert.equal(ws.phase, "connecting");
  });

  it("S-WS-8: send before accept throws an Error naming accept()", () => {
    const { ws, transport } = session();
    assert.throws(() => ws.sendText("early"), /must be accepted before sending/);
    assert.deepEqual(transport.sent, []);
  });

  it("S-WS-8: send after the endpoint closed throws an Error, and sends nothing", () => {
    const { ws, transport } = session();
    ws.accept();
    ws.close(4000, "done");
    assert.throws(() => ws.sendText("late"), /already closed \(code 4000\)/);
    assert.throws(() => ws.sendJson({ late: true }), /already closed/);
    assert.deepEqual(transport.sent, []);
  });

  it("S-WS-8: close twice is a no-op: one close frame, the first code wins", () => {
    const { ws, transport } = session();
    ws.accept();
    ws.close(4001, "first");
    ws.close(4002, "second");
    assert.deepEqual(transport.closes, [{ code: 4001, reason: "first" }]);
  });

  it("S-WS-8: accept twice throws", () => {
    const { ws } = session();
    ws.accept();
    assert.throws(() => ws.accept(), /accept\(\) may be called only once/);
  });

  it("S-WS-1: accept passes the chosen subprotocol and headers to the transport", () => {
    const { ws, transport } = session({ protocols: "chat.v1, chat.v2" });
    assert.deepEqual(ws.subprotocols, ["chat.v1", "chat.v2"]);
    ws.accept({ subprotocol: "chat.v2", headers: { "x-room": "lobby" } });
    assert.equal(transport.accepted?.subprotocol, "chat.v2");
    assert.equal(transport.accepted?.headers?.get("x-room"), "lobby");
    assert.equal(ws.phase, "open");
  });

  it("S-WS-1: a subprotocol the client did not offer is an Error, and nothing is accepted", () => {
    const { ws, transport } = session({ protocols: "chat.v1" });
    assert.throws(
      () => ws.accept({ subprotocol: "chat.v9" }),
      /subprotocol "chat\.v9" was not offered by the client \(offered: chat\.v1\)/,
    );
    assert.equal(transport.accepted, undefined);
    assert.equal(ws.phase, "connecting");
  });

  it("S-WS-2: close before accept accepts first, so the client gets the code", () => {
    const { ws, transport } = session();
    ws.close(4403, "nope");
    assert.ok(transport.accepted);
    assert.deepEqual(transport.closes, [{ code: 4403, reason: "nope" }]);
    assert.equal(ws.phase, "closed");
  });

  it("S-EXC-4: close with an unsendable code or a long reason is a RangeError naming the rule", () => {
    const { ws, transport } = session();
    ws.accept();
    assert.throws(() => ws.close(1005), /close code must be sendable.*got 1005/);
    assert.throws(() => ws.close(1000, "x".repeat(124)), /at most 123 UTF-8 bytes/);
    assert.deepEqual(transport.closes, []);
    assert.equal(ws.phase, "open");
  });

  it("S-WS-1: messages arrive in order; text and bytes keep their kind", async () => {
    const { ws, transport } = session();
    ws.accept();
    client(transport).message("one");
    client(transport).message(new Uint8Array([1, 2]));
    assert.equal(await ws.receiveText(), "one");
    assert.deepEqual(await ws.receiveBytes(), new Uint8Array([1, 2]));
  });

  it("S-WS-12: receiveText on a binary message (and receiveBytes on text) rejects with a 1003 WebSocketException", async () => {
    const { ws, transport } = session();
    ws.accept();
    client(transport).message(new Uint8Array([1]));
    client(transport).message("text");
    await assert.rejects(ws.receiveText(), (error: unknown) => {
      assert.ok(error instanceof InvalidWebSocketMessage);
      assert.ok(error instanceof WebSocketException);
      assert.deepEqual([error.code, error.reason], [1003, "expected text"]);
      return true;
    });
    await assert.rejects(ws.receiveBytes(), { code: 1003, reason: "expected binary" });
    assert.equal(ws.phase, "open");
  });

  it("S-WS-7, S-WS-12: receiveJson on invalid JSON rejects with a 1007 WebSocketException; the session stays open", async () => {
    const { ws, transport } = session();
    ws.accept();
    client(transport).message("{oops");
    client(transport).message('{"ok":true}');
    await assert.rejects(ws.receiveJson(), {
      name: "InvalidWebSocketMessage",
      code: 1007,
      reason: "message is not valid JSON",
    });
    assert.equal(ws.phase, "open");
    assert.deepEqual(await ws.receiveJson(), { ok: true });
  });

  it("S-VAL-1: receiveJson(schema) with something that is not a schema is a TypeError, and takes no message", async () => {
    const { ws, transport } = session();
    ws.accept();
    client(transport).message('{"ok":true}');
    await assert.rejects(ws.receiveJson({} as never), {
      name: "TypeError",
      message: /receiveJson\(schema\) must be a Standard Schema v1 validator/,
    });
    assert.deepEqual(await ws.receiveJson(), { ok: true });
  });

  it("S-WS-6: a client close rejects the pending receive with WebSocketDisconnect(code, reason)", async () => {
    const { ws, transport } = session();
    ws.accept();
    const pending = ws.receiveText();
    client(transport).close(4321, "bye");
    await assert.rejects(pending, (error: unknown) => {
      assert.ok(error instanceof WebSocketDisconnect);
      assert.equal(error.code, 4321);
      assert.equal(error.reason, "bye");
      return true;
    });
    await assert.rejects(ws.receiveBytes(), WebSocketDisconnect);
    assert.equal(ws.phase, "closed");
  });

  it("S-WS-6: after a client close, send throws that WebSocketDisconnect and close does nothing", () => {
    const { ws, transport } = session();
    ws.accept();
    client(transport).close(1001, "going away");
    assert.throws(
      () => ws.sendText("late"),
      (error: unknown) => {
        assert.ok(error instanceof WebSocketDisconnect);
        assert.equal(error.code, 1001);
        return true;
      },
    );
    ws.close(1000);
    assert.deepEqual(transport.closes, []);
  });

  it("S-WS-6: async iteration yields every message, then ends quietly on disconnect", async () => {
    const { ws, transport } = session();
    ws.accept();
    client(transport).message("a");
    client(transport).message("b");
    client(transport).close(1000, "");
    const seen: WebSocketMessage[] = [];
    for await (const message of ws) seen.push(message);
    assert.deepEqual(seen, ["a", "b"]);
  });

  it("S-WS-6: a loop waiting for a message ends quietly when the client closes", async () => {
    const { ws, transport } = session();
    ws.accept();
    const seen: WebSocketMessage[] = [];
    const looping = (async () => {
      for await (const message of ws) seen.push(message);
    })();
    await Promise.resolve();
    client(transport).message("a");
    await Promise.resolve();
    client(transport).close(1001, "bye");
    await looping;
    assert.deepEqual(seen, ["a"]);
  });

  it("S-WS-6: break ends the loop; a message that arrives later waits for the next receive", async () => {
    const { ws, transport } = session();
    ws.accept();
    client(transport).message("first");
    const iterator = ws[Symbol.asyncIterator]();
    for await (const message of { [Symbol.asyncIterator]: () => iterator }) {
      assert.equal(message, "first");
      break;
    }
    client(transport).message("second");
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
    assert.equal(await ws.receiveText(), "second");
  });

  it("S-WS-8: iterating before accept throws the Error naming accept(), and the loop stays ended", async () => {
    const { ws } = session();
    const iterator = ws[Symbol.asyncIterator]();
    await assert.rejects(iterator.next(), /must be accepted before receiving.*ws\.accept\(\)/);
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  });

  it("S-WS-1: maxMessageSize counts UTF-8 bytes, not string length", async () => {
    const { ws, transport } = session({ maxMessageSize: 5 });
    ws.accept();
    client(transport).message("éé"); // 4 bytes
    client(transport).message("😀é"); // 3 UTF-16 units, 6 bytes
    assert.equal(await ws.receiveText(), "éé");
    await assert.rejects(ws.receiveText(), { name: "WebSocketDisconnect", code: 1009 });
  });

  it("S-WS-1: a message over maxMessageSize closes 1009 and is not delivered", async () => {
    const { ws, transport } = session({ maxMessageSize: 4 });
    ws.accept();
    client(transport).message("1234");
    client(transport).message("12345");
    assert.equal(await ws.receiveText(), "1234");
    await assert.rejects(ws.receiveText(), { name: "WebSocketDisconnect", code: 1009 });
    assert.deepEqual(transport.closes, [{ code: 1009, reason: "message too big" }]);
  });

  it("S-WS-1: idleTimeout closes 1001 when no message comes", async () => {
    const { ws, transport } = session({ idleTimeout: 5 });
    ws.accept();
    await assert.rejects(ws.receiveText(), { name: "WebSocketDisconnect", code: 1001 });
    assert.deepEqual(transport.closes, [{ code: 1001, reason: "idle timeout" }]);
    // A close the endpoint did not choose: sending afterwards is a disconnect, not a bug.
    assert.throws(() => ws.sendText("late"), WebSocketDisconnect);
  });

  it("a transport may deliver messages or the client's close synchronously inside accept()", async () => {
    const transport = new FakeTransport();
    const accept = transport.accept.bind(transport);
    transport.accept = (options, events) => {
      const response = accept(options, events);
      events.message("early");
      events.close(1006, "");
      return response;
    };
    const ws = new WebSocketSession(new Request("http://test/ws"), transport);
    ws.accept();
    assert.equal(ws.phase, "closed");
    assert.equal(await ws.receiveText(), "early");
    await assert.rejects(ws.receiveText(), { name: "WebSocketDisconnect", code: 1006 });
  });

  it("a transport whose accept() throws leaves the session connecting", () => {
    const transport = new FakeTransport();
    transport.accept = () => {
      throw new Error("handshake failed");
    };
    const ws = new WebSocketSession(new Request("http://test/ws"), transport);
    assert.throws(() => ws.accept(), /handshake failed/);
    assert.equal(ws.phase, "connecting");
  });

  it("a transport that fails to close on a limit is reported, and receivers still end", async () => {
    const failures: unknown[] = [];
    const transport = new FakeTransport();
    transport.close = () => {
      throw new Error("transport broke");
    };
    const request = new Request("http://test/ws", { headers: { upgrade: "websocket" } });
    const ws = new WebSocketSession(request, transport, { maxMessageSize: 1 }, (error) =>
      failures.push(error),
    );
    ws.accept();
    const pending = ws.receiveText();
    client(transport).message("too long");
    await assert.rejects(pending, { code: 1009 });
    assert.match(String(failures[0]), /transport broke/);
  });
});

describe("WebSocketSession backpressure (S-WS-1)", () => {
  it("S-WS-1: a send past maxBufferedAmount closes 1008 and throws the disconnect instead", () => {
    const { ws, transport } = session({ maxBufferedAmount: 10 });
    ws.accept();
    transport.buffered = 6;
    ws.sendText("four"); // 6 + 4 fits
    assert.throws(() => ws.sendText("fives"), { name: "WebSocketDisconnect", code: 1008 });
    assert.deepEqual(transport.sent, ["four"]);
    assert.deepEqual(transport.closes, [{ code: 1008, reason: "send buffer full" }]);
    assert.throws(() => ws.sendText("later"), { code: 1008 }); // the endpoint ends quietly
  });

  it("S-WS-1: maxBufferedAmount counts a text's UTF-8 bytes, not its length", () => {
    const { ws, transport } = session({ maxBufferedAmount: 10 });
    ws.accept();
    transport.buffered = 4;
    ws.sendText("ééé"); // 4 + 6 fits exactly
    transport.buffered = 5;
    assert.throws(() => ws.sendText("ééé"), { name: "WebSocketDisconnect", code: 1008 });
    assert.deepEqual(transport.sent, ["ééé"]);
  });

  it("S-WS-1: a message the runtime dropped is never silent: close 1008, the disconnect thrown", () => {
    const { ws, transport } = session();
    ws.accept();
    transport.drops = true;
    assert.throws(() => ws.sendBytes(new Uint8Array(3)), { code: 1008 });
    assert.deepEqual(transport.closes, [{ code: 1008, reason: "send buffer full" }]);
  });

  it("S-WS-1: drained() waits until the buffer is at most the level given", async () => {
    const { ws, transport } = session();
    ws.accept();
    transport.buffered = 100;
    assert.equal(ws.bufferedAmount, 100);
    let done = false;
    const drained = ws.drained(10).then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(done, false);
    transport.buffered = 10;
    await drained;
    assert.equal(done, true);
  });

  it("S-WS-6: drained() rejects with the disconnect when the client leaves while it waits", async () => {
    const { ws, transport } = session();
    ws.accept();
    transport.buffered = 1_000_000;
    const drained = ws.drained();
    client(transport).close(4001, "bye");
    await assert.rejects(drained, { name: "WebSocketDisconnect", code: 4001 });
  });
});

/** An app with one WebSocket route, and the reports its `onError` received. */
function appWith(endpoint: (ws: WebSocketSession) => unknown) {
  const reports: unknown[] = [];
  const app = new App({
    routes: [new WebSocketRoute("/ws", endpoint as (ws: WebSocketSession) => void)],
    onError: (error) => reports.push(error),
  });
  return { app, reports };
}

describe("TestClient.websocketConnect behaves as a real client (S-TC-2)", () => {
  it("S-TC-2: a denial rejects with WebSocketDenialResponse carrying status, headers and body", async () => {
    const { app } = appWith(() => {
      throw new HTTPException(401, "log in first", { "www-authenticate": "Bearer" });
    });
    const refusal = await new TestClient(app).websocketConnect("/ws").then(
      () => assert.fail("the upgrade should have been refused"),
      (error: unknown) => error,
    );
    assert.ok(refusal instanceof WebSocketDenialResponse);
    assert.equal(refusal.response.status, 401);
    assert.equal(refusal.response.headers.get("www-authenticate"), "Bearer");
    assert.equal(await refusal.response.text(), "log in first");
  });

  it("S-TC-2: a close before accept connects, then the next receive rejects with its code", async () => {
    const { app } = appWith(() => {
      throw new WebSocketException(4403, "forbidden");
    });
    const socket = await new TestClient(app).websocketConnect("/ws");
    await assert.rejects(socket.receiveText(), {
      name: "WebSocketDisconnect",
      code: 4403,
      reason: "forbidden",
    });
  });

  it("S-TC-2: a server close rejects the next receive with WebSocketDisconnect(code, reason)", async () => {
    const { app } = appWith((ws) => {
      ws.accept();
      ws.sendText("hi");
      ws.close(4500, "later");
    });
    const socket = await new TestClient(app).websocketConnect("/ws");
    assert.equal(await socket.receiveText(), "hi");
    await assert.rejects(socket.receiveText(), {
      name: "WebSocketDisconnect",
      code: 4500,
      reason: "later",
    });
  });

  it("S-TC-2: raiseServerExceptions re-raises an unhandled error instead of a 500 or 1011", async () => {
    const before = appWith(() => {
      throw new Error("before accept");
    });
    await assert.rejects(new TestClient(before.app).websocketConnect("/ws"), /before accept/);
    const after = appWith((ws) => {
      ws.accept();
      throw new Error("after accept");
    });
    const socket = await new TestClient(after.app).websocketConnect("/ws");
    await assert.rejects(socket.receiveText(), /after accept/);
    assert.equal(after.reports.length, 1);
  });

  it("S-TC-2: with raiseServerExceptions false the client sees the 500 denial and the 1011", async () => {
    const before = appWith(() => {
      throw new Error("before accept");
    });
    const quiet = { raiseServerExceptions: false };
    const refusal = await new TestClient(before.app, quiet).websocketConnect("/ws").catch((e) => e);
    assert.equal((refusal as WebSocketDenialResponse).response.status, 500);
    const after = appWith((ws) => {
      ws.accept();
      throw new Error("after accept");
    });
    const socket = await new TestClient(after.app, quiet).websocketConnect("/ws");
    await assert.rejects(socket.receiveText(), { name: "WebSocketDisconnect", code: 1011 });
    assert.deepEqual(after.reports.map(String), ["Error: after accept"]);
  });

  it("S-TC-2: the subprotocol and accept headers are visible on the test socket", async () => {
    const { app } = appWith((ws) => ws.accept({ subprotocol: "b", headers: { "x-extra": "1" } }));
    const socket = await new TestClient(app).websocketConnect("/ws", { subprotocols: ["a", "b"] });
    assert.equal(socket.subprotocol, "b");
    assert.equal(socket.headers.get("sec-websocket-protocol"), "b");
    assert.equal(socket.headers.get("x-extra"), "1");
  });

  it("S-TC-2: a client close reaches the endpoint; sending after it is a clear Error", async () => {
    let seen: unknown;
    const { app } = appWith(async (ws) => {
      ws.accept();
      seen = await ws.receiveText().catch((error) => error);
    });
    const socket = await new TestClient(app).websocketConnect("/ws");
    socket.close(4100, "leaving");
    await assert.rejects(socket.receiveText(), { code: 4100 });
    assert.ok(seen instanceof WebSocketDisconnect);
    assert.equal(seen.code, 4100);
    assert.throws(() => socket.sendText("late"), /test WebSocket is closed/);
  });

  it("an endpoint that returns without accepting is accepted and closed 1000", async () => {
    const { app, reports } = appWith(() => undefined);
    const socket = await new TestClient(app).websocketConnect("/ws");
    await assert.rejects(socket.receiveText(), { name: "WebSocketDisconnect", code: 1000 });
    assert.deepEqual(reports, []);
  });

  it("S-LOOK-8: a class handler that throws after accept closes 1011, reported with the cause", async () => {
    class Custom extends Error {}
    const reports: unknown[] = [];
    const app = new App({
      routes: [
        new WebSocketRoute("/ws", (ws) => {
          ws.accept();
          throw new Custom("original");
        }),
      ],
      exceptionHandlers: [
        [
          Custom,
          () => {
            throw new Error("handler broke");
          },
        ],
      ],
      onError: (error) => reports.push(error),
    });
    const socket = await new TestClient(app, { raiseServerExceptions: false }).websocketConnect(
      "/ws",
    );
    await assert.rejects(socket.receiveText(), { code: 1011 });
    assert.equal(reports.length, 1);
    assert.match(String(reports[0]), /handler broke/);
    assert.ok((reports[0] as Error).cause instanceof Custom);
  });
});
