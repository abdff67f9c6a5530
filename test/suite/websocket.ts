/**
 * The WebSocket behaviour suite (SPEC §9), run unchanged on every runtime
 * against `createWebSocketApp()`. It only sees what a real client sees:
 * messages, close codes and reasons, and denial responses; what the server
 * caught or reported is read back from the app (`/ws/log`, `reports()`).
 * `wasClean` is never asserted: it differs between runtimes.
 */
import assert from "node:assert/strict";
import type { SuiteApi, SuiteOptions } from "./api.ts";
import { IDLE_TIMEOUT_MS, type LogEntry, PLANTED_SECRET, SMALL_MESSAGE_LIMIT } from "./ws-app.ts";
import type { ClientEvent, ClientSocket, WebSocketTarget } from "./ws-client.ts";

export interface WebSocketSuiteOptions extends SuiteOptions {
  /** What the app's `onError` received so far (`GET /__reports`), as "Name: message". */
  reports(): Promise<string[]>;
}

let counter = 0;

/** A tag unique to one test, so shared logs and reports never mix tests up. */
function newTag(): string {
  counter += 1;
  return `t${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

async function nextMessage(socket: ClientSocket): Promise<string | Uint8Array> {
  const event = await socket.next();
  if (event.kind !== "message") {
    assert.fail(`expected a message, got a close ${event.code} "${event.reason}"`);
  }
  return event.data;
}

async function nextClose(socket: ClientSocket): Promise<{ code: number; reason: string }> {
  const event: ClientEvent = await socket.next();
  if (event.kind !== "close")
    assert.fail(`expected a close, got the message ${String(event.data)}`);
  return { code: event.code, reason: event.reason };
}

function isDisconnectReport(report: string): boolean {
  return report.startsWith("WebSocketDisconnect");
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads until `found` accepts the value; what the server records may land just after the close. */
async function eventually<T>(read: () => Promise<T>, found: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let attempt = 0; attempt < 100 && !found(value); attempt++) {
    await pause(20);
    value = await read();
  }
  return value;
}

export function webSocketSuite(
  api: SuiteApi,
  target: WebSocketTarget,
  options: WebSocketSuiteOptions,
): void {
  const { describe, it } = api;

  /** Connects, checks the endpoint's first message, and returns the socket. */
  async function connectReady(path: string): Promise<ClientSocket> {
    const socket = await target.connect(path);
    assert.equal(await nextMessage(socket), "ready");
    return socket;
  }

  async function closeOf(path: string) {
    return nextClose(await target.connect(path));
  }

  async function logFor(tag: string, count = 1): Promise<LogEntry[]> {
    const read = async () => {
      const socket = await target.connect(`/ws/log?tag=${tag}`);
      return JSON.parse((await nextMessage(socket)) as string) as LogEntry[];
    };
    return eventually(read, (entries) => entries.length >= count);
  }

  async function reportsFor(tag: string): Promise<string[]> {
    const read = async () => (await options.reports()).filter((each) => each.includes(tag));
    return eventually(read, (matching) => matching.length > 0);
  }

  describe(`S-RT-1, S-WS-10: WebSockets, unchanged on ${options.runtime}`, () => {
    describe("S-WS-1: the session API", () => {
      it("S-WS-1: text and bytes are echoed as sent", async () => {
        const socket = await target.connect("/ws/echo");
        socket.send("héllo");
        assert.equal(await nextMessage(socket), "héllo");
        socket.send(new Uint8Array([0, 1, 254, 255]));
        assert.deepEqual(await nextMessage(socket), new Uint8Array([0, 1, 254, 255]));
        socket.close(1000);
        assert.equal((await nextClose(socket)).code, 1000);
      });

      it("S-WS-1: receiveJson and sendJson round-trip a JSON value", async () => {
        const socket = await target.connect("/ws/echo-json");
        socket.send(JSON.stringify({ a: [1, "two", null] }));
        assert.deepEqual(JSON.parse((await nextMessage(socket)) as string), {
          received: { a: [1, "two", null] },
        });
        socket.close(1000);
      });

      it("S-WS-1: the endpoint picks an offered subprotocol and adds headers to the handshake", async () => {
        const socket = await target.connect("/ws/subprotocol", {
          protocols: ["chat.v1", "edgelette.v2"],
        });
        assert.equal(socket.protocol, "edgelette.v2");
        // Browser-style clients cannot read handshake headers; the others must show ours.
        if (socket.headers) assert.equal(socket.headers.get("x-accepted-by"), "edgelette");
        assert.equal(await nextMessage(socket), "edgelette.v2");
        assert.deepEqual(await nextClose(socket), { code: 1000, reason: "" });
      });

      it("S-WS-1: without an offer the endpoint accepts with no subprotocol", async () => {
        const socket = await target.connect("/ws/subprotocol");
        assert.equal(socket.protocol, "");
        assert.equal(await nextMessage(socket), "(none)");
      });

      it("S-WS-1: an endpoint that returns closes with 1000 after its last message", async () => {
        const socket = await target.connect("/ws/return");
        assert.equal(await nextMessage(socket), "bye");
        assert.deepEqual(await nextClose(socket), { code: 1000, reason: "" });
      });
    });

    describe("S-WS-2: WebSocketException and close() give the client their code", () => {
      it("S-WS-2: a WebSocketException before accept reaches the client as a close frame", async () => {
        assert.deepEqual(await closeOf("/ws/exception-before"), {
          code: 4403,
          reason: "forbidden before accept",
        });
      });

      it("S-WS-2: WebSocketException() closes with 1008 and an empty reason", async () => {
        assert.deepEqual(await closeOf("/ws/exception-default"), { code: 1008, reason: "" });
      });

      it("S-WS-2: a WebSocketException after accept closes with its code and reason", async () => {
        const socket = await connectReady("/ws/exception-after");
        assert.deepEqual(await nextClose(socket), { code: 4001, reason: "closed after accept" });
      });

      it("S-WS-2: close(code, reason) before accept is accepted, then closed with that code", async () => {
        assert.deepEqual(await closeOf("/ws/close-before"), {
          code: 4100,
          reason: "closed before accept",
        });
      });

      it("S-WS-2: close(code, reason) after accept sends that code and reason", async () => {
        const socket = await connectReady("/ws/close-after");
        assert.deepEqual(await nextClose(socket), { code: 4500, reason: "closed by the endpoint" });
      });
    });

    describe("S-WS-3: HTTPException", () => {
      it("S-WS-3: before accept it is an HTTP denial with its status, headers and body", async () => {
        const denial = await target.requestUpgrade("/ws/http-before");
        assert.equal(denial.status, 403);
        assert.equal(denial.headers.get("x-denied"), "yes");
        assert.equal(denial.body, "no entry");
      });

      it("S-WS-3: before accept the denial goes through the status handler table", async () => {
        const denial = await target.requestUpgrade("/ws/http-before-handled");
        assert.equal(denial.status, 418);
        assert.equal(denial.headers.get("x-handler"), "418");
        assert.deepEqual(JSON.parse(denial.body), { handled: "short and stout" });
      });

      it("S-WS-3: after accept it closes with 4000 + status and the detail as reason", async () => {
        const socket = await connectReady("/ws/http-after");
        assert.deepEqual(await nextClose(socket), { code: 4409, reason: "conflict after accept" });
      });

      it("S-WS-3: a detail over 123 bytes is cut to 123 bytes without splitting a character", async () => {
        const socket = await connectReady("/ws/http-after-long");
        // 100 × "é" is 200 bytes; 61 of them (122 bytes) fit.
        assert.deepEqual(await nextClose(socket), { code: 4400, reason: "é".repeat(61) });
      });

      it("S-WS-3: a JSON detail is sent as JSON text", async () => {
        const socket = await connectReady("/ws/http-after-json");
        assert.deepEqual(await nextClose(socket), { code: 4422, reason: '{"field":"name"}' });
      });
    });

    describe("S-WS-4: unhandled errors", () => {
      it("S-WS-4: before accept they are a 500 denial, reported once", async () => {
        const tag = newTag();
        const denial = await target.requestUpgrade(`/ws/crash-before?tag=${tag}`);
        assert.equal(denial.status, 500);
        assert.equal(denial.body, "Internal Server Error");
        assert.doesNotMatch(denial.body, /crash/);
        assert.deepEqual(await reportsFor(tag), [`Error: crash before accept ${tag}`]);
      });

      it("S-WS-4: after accept they close 1011 without the message, reported once", async () => {
        const tag = newTag();
        const socket = await connectReady(`/ws/crash-after?tag=${tag}`);
        const close = await nextClose(socket);
        assert.equal(close.code, 1011);
        assert.doesNotMatch(close.reason, /crash/);
        assert.deepEqual(await reportsFor(tag), [`Error: crash after accept ${tag}`]);
      });
    });

    describe("S-WS-5: no WebSocket route is an HTTP answer, never a 101", () => {
      it("S-WS-5 (amended): an upgrade to a path only an HTTP route serves gets that route's response", async () => {
        const denial = await target.requestUpgrade("/http-only");
        assert.equal(denial.status, 200);
        assert.equal(denial.body, "plain HTTP");
      });

      it("S-WS-5: an unknown path is a 404 from the 404 handler", async () => {
        const denial = await target.requestUpgrade("/nowhere");
        assert.equal(denial.status, 404);
        assert.equal(denial.body, "no route for /nowhere");
      });

      it("S-WS-5 (amended): an upgrade to an HTTP route's other trailing-slash form is redirected as any request", async () => {
        const denial = await target.requestUpgrade("/http-only/");
        assert.equal(denial.status, 307);
        assert.equal(denial.headers.get("location"), "/http-only");
      });
    });

    describe("S-WS-6: the client closes", () => {
      it("S-WS-6: the pending receive rejects with WebSocketDisconnect(code, reason)", async () => {
        const tag = newTag();
        const socket = await connectReady(`/ws/record-disconnect?tag=${tag}`);
        socket.close(4321, "client leaves");
        const [entry] = await logFor(tag);
        assert.deepEqual(entry?.disconnect, { code: 4321, reason: "client leaves" });
        // The endpoint re-threw the disconnect: a client leaving is not a server error.
        assert.equal((await options.reports()).some(isDisconnectReport), false);
      });

      it("S-WS-6: async iteration ends quietly, after every message sent before the close", async () => {
        const tag = newTag();
        const socket = await connectReady(`/ws/record-iteration?tag=${tag}`);
        socket.send("one");
        socket.send("two");
        socket.close(1000, "done");
        const [entry] = await logFor(tag);
        assert.deepEqual(entry, { tag, iterationEnded: true, messages: 2 });
      });
    });

    it("S-WS-7: receiveJson on invalid JSON answers with an error and the socket stays open", async () => {
      const socket = await target.connect("/ws/echo-json");
      socket.send("{not json");
      const answer = JSON.parse((await nextMessage(socket)) as string);
      assert.match(answer.error, /not valid JSON/);
      socket.send("[2]");
      assert.deepEqual(JSON.parse((await nextMessage(socket)) as string), { received: [2] });
      socket.close(1000);
    });

    describe("S-WS-8: misuse fails clearly", () => {
      it("S-WS-8: receive before accept is an Error naming accept(): a 500 denial, reported", async () => {
        const denial = await target.requestUpgrade("/ws/receive-before-accept");
        assert.equal(denial.status, 500);
        const reports = await eventually(options.reports.bind(options), (all) =>
          all.some((each) => each.includes("accepted before receiving")),
        );
        assert.ok(reports.some((each) => /call ws\.accept\(\) first/.test(each)));
      });

      it("S-WS-8: send after the endpoint closed throws; a second close is a no-op", async () => {
        const tag = newTag();
        const socket = await target.connect(`/ws/send-after-close?tag=${tag}`);
        assert.deepEqual(await nextClose(socket), { code: 4002, reason: "closed once" });
        const [entry] = await logFor(tag);
        assert.match(String(entry?.sendAfterClose), /already closed/);
      });
    });

    describe("S-WS-9: handlers keyed by class act on the socket", () => {
      it("S-WS-9: before accept, the handler receives (ws, exc) and closes with its own code", async () => {
        const socket = await target.connect("/ws/room-full-before");
        assert.equal(await nextMessage(socket), "handler saw RoomFull for lobby");
        assert.deepEqual(await nextClose(socket), { code: 4429, reason: "room full" });
      });

      it("S-WS-9: after accept, the handler receives (ws, exc) and closes with its own code", async () => {
        const socket = await connectReady("/ws/room-full-after");
        assert.equal(await nextMessage(socket), "handler saw RoomFull for kitchen");
        assert.deepEqual(await nextClose(socket), { code: 4429, reason: "room full" });
      });

      it("S-WS-9: a WebSocketException subclass uses its own handler, not the default", async () => {
        const socket = await connectReady("/ws/kicked");
        assert.deepEqual(await nextClose(socket), { code: 4666, reason: "kicked: spam" });
      });
    });

    describe("S-WS-12: a client's bad message is a handled exception", () => {
      it("S-WS-12: a binary frame for an uncaught receiveText closes 1003, not reported", async () => {
        const socket = await connectReady("/ws/expect-text");
        socket.send(new Uint8Array([1, 2, 3]));
        assert.deepEqual(await nextClose(socket), { code: 1003, reason: "expected text" });
        const reports = await options.reports();
        assert.equal(
          reports.filter((each) => /InvalidWebSocketMessage|expected/.test(each)).length,
          0,
        );
      });

      it("S-WS-12: invalid JSON for an uncaught receiveJson closes 1007, not reported", async () => {
        const socket = await connectReady("/ws/expect-json");
        socket.send("{not json");
        assert.deepEqual(await nextClose(socket), {
          code: 1007,
          reason: "message is not valid JSON",
        });
        const reports = await options.reports();
        assert.equal(reports.filter((each) => /InvalidWebSocketMessage|JSON/.test(each)).length, 0);
      });
    });

    describe("S-WS-13: the request, the offer and the 101", () => {
      it("S-WS-13: after accept the request stays readable: headers, subprotocols, clone()", async () => {
        const socket = await target.connect("/ws/request-after-accept", { protocols: ["p.one"] });
        assert.equal(socket.protocol, "p.one");
        assert.deepEqual(JSON.parse((await nextMessage(socket)) as string), {
          subprotocols: ["p.one"],
          upgrade: "websocket",
          cloned: "websocket",
        });
      });

      it("S-WS-13: onError reads the request's headers after accept, and the report is kept", async () => {
        const tag = newTag();
        const socket = await connectReady(`/ws/crash-after?tag=${tag}`);
        assert.equal((await nextClose(socket)).code, 1011);
        const [entry] = await logFor(tag);
        assert.deepEqual(entry, { tag, reportedUpgrade: "websocket" });
      });

      it("S-WS-13: an offer without spaces (`a,b`, as `ws` sends it) is parsed per RFC 6455", async () => {
        const offer = { "sec-websocket-protocol": "chat.v1,edgelette.v2" };
        const answer = await target.handshake("/ws/subprotocol", offer);
        assert.equal(answer.status, 101);
        assert.equal(answer.headers.get("sec-websocket-protocol"), "edgelette.v2");
      });

      it("S-WS-13: an offer the endpoint declines is never confirmed: no subprotocol, or a failed handshake", async () => {
        const opened = await target.connect("/ws/subprotocol", { protocols: ["x.v1"] }).then(
          (socket) => socket,
          () => undefined, // `ws`, browsers and the TestClient fail this handshake (S-TC-2)
        );
        if (opened) assert.equal(opened.protocol, "");
      });

      it("S-WS-10: headers middleware sets on the upgrade response after `await next()` reach the 101", async () => {
        const answer = await target.handshake("/ws/subprotocol");
        assert.equal(answer.status, 101);
        assert.equal(answer.headers.get("x-middleware"), "websocket");
        assert.equal(answer.headers.get("x-accepted-by"), "edgelette");
      });
    });

    it("S-TC-2: a client close without a code reaches the endpoint as 1005", async () => {
      const tag = newTag();
      const socket = await connectReady(`/ws/record-disconnect?tag=${tag}`);
      socket.close();
      const [entry] = await logFor(tag);
      assert.deepEqual(entry?.disconnect, { code: 1005, reason: "" });
    });

    describe("limits", () => {
      it("S-WS-1: a message over maxMessageSize closes 1009; one at the limit is echoed", async () => {
        const socket = await target.connect("/ws/small");
        const atLimit = "x".repeat(SMALL_MESSAGE_LIMIT);
        socket.send(atLimit);
        assert.equal(await nextMessage(socket), atLimit);
        socket.send(`${atLimit}!`);
        assert.deepEqual(await nextClose(socket), { code: 1009, reason: "message too big" });
      });

      it("S-WS-1: a binary message over maxMessageSize closes 1009", async () => {
        const socket = await target.connect("/ws/small");
        socket.send(new Uint8Array(SMALL_MESSAGE_LIMIT + 1));
        assert.deepEqual(await nextClose(socket), { code: 1009, reason: "message too big" });
      });

      it(`S-WS-1: ${IDLE_TIMEOUT_MS} ms without a message closes 1001`, async () => {
        const socket = await target.connect("/ws/idle");
        assert.deepEqual(await nextClose(socket), { code: 1001, reason: "idle timeout" });
      });
    });

    describe("S-VAL-1: receiveJson(schema) validates a message", () => {
      it("S-WS-12, S-VAL-1: a message that is not JSON closes 1007 before any schema runs", async () => {
        const socket = await target.connect("/ws/validated");
        socket.send("{not json");
        assert.deepEqual(await nextClose(socket), {
          code: 1007,
          reason: "message is not valid JSON",
        });
      });

      it("S-VAL-1, S-WS-3: a caught failure leaves the socket usable; an uncaught one closes 4422, not reported", async () => {
        const socket = await target.connect("/ws/validated");
        socket.send(JSON.stringify({ room: PLANTED_SECRET, text: "hi" }));
        const caught = (await nextMessage(socket)) as string;
        assert.ok(!caught.includes(PLANTED_SECRET), caught);
        assert.deepEqual(JSON.parse(caught), {
          caught: [
            {
              in: "message",
              path: "/room",
              message: 'Invalid type: Expected ("lobby" | "games") but received "…"',
            },
          ],
        });
        socket.send(JSON.stringify({ room: "games", text: "  gg  " }));
        assert.deepEqual(JSON.parse((await nextMessage(socket)) as string), {
          valid: { room: "games", text: "gg" },
        });
        // Uncaught: the whole detail fits in a close reason (113 bytes), the secret replaced.
        socket.send(JSON.stringify({ room: PLANTED_SECRET, text: "x" }));
        const close = await nextClose(socket);
        assert.equal(close.code, 4422);
        assert.deepEqual(JSON.parse(close.reason), JSON.parse(caught).caught);
        await pause(20);
        const reports = await options.reports();
        assert.ok(!reports.some((each) => each.includes("ValidationError")), String(reports));
      });
    });
  });
}
