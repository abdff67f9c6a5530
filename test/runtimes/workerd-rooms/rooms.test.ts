import { runInDurableObject } from "cloudflare:test";
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { RoomSocket } from "../../../adapters/cloudflare-rooms.ts";
import {
  leave,
  nextClose,
  nextJson,
  nextMessage,
  probe,
  probeRooms,
  probeUpgrade,
} from "./clients.ts";
import type { ProbeRoom, ProbeState } from "./probe-room.ts";

/** Reads the probe room's instance: what it reported and the closes it saw. */
function inspect<Result>(room: string, read: (instance: ProbeRoom, ctx: unknown) => Result) {
  return runInDurableObject(probeRooms.getByName(room), read);
}

const reported = (room: string) =>
  inspect(room, (instance) => instance.reports.map((error) => (error as Error).message));

describe("edgelette/cloudflare rooms: the handshake (onConnect)", () => {
  it("S-WS-2: a WebSocketException before accept is accepted, then closed with its code", async () => {
    const { socket } = await probe("handshake-ws", "/ws-exception");
    assert.deepEqual(await nextClose(socket), { code: 4001, reason: "not yet" });
  });

  it("S-WS-3: an HTTPException before accept is an HTTP denial with its status, headers and body", async () => {
    const response = await probeUpgrade("handshake-http", "/http-exception");
    assert.equal(response.status, 403);
    assert.equal(response.headers.get("x-probe"), "denied");
    assert.equal(await response.text(), "members only");
    assert.deepEqual(await reported("handshake-http"), []);
  });

  it("S-WS-4: an unhandled error before accept is a safe 500, reported once", async () => {
    const response = await probeUpgrade("handshake-crash", "/crash");
    assert.equal(response.status, 500);
    assert.equal(await response.text(), "Internal Server Error");
    assert.deepEqual(await reported("handshake-crash"), ["connect crashed"]);
  });

  it("S-WS-4: an unhandled error after accept closes 1011 and is reported once", async () => {
    const { socket } = await probe("handshake-late", "/crash-after-accept");
    assert.equal((await nextClose(socket)).code, 1011);
    assert.deepEqual(await reported("handshake-late"), ["crashed after accept"]);
  });

  it("S-WS-11: the app's class handler acts on the socket before accept, as for a WebSocketRoute", async () => {
    const { socket } = await probe("handshake-teapot", "/teapot");
    assert.deepEqual(await nextClose(socket), { code: 4418, reason: "teapot: before accept" });
    assert.deepEqual(await reported("handshake-teapot"), []);
  });

  it("S-WS-2: onConnect returning without accept() is accepted, then closed 1000", async () => {
    const { socket } = await probe("handshake-none", "/no-accept");
    assert.deepEqual(await nextClose(socket), { code: 1000, reason: "" });
  });

  it("S-WS-1: the chosen subprotocol and the accept headers come with the 101; tags select members", async () => {
    const { response, socket } = await probe("handshake-v2", "/subprotocol", [
      "chat.v1",
      "chat.v2",
    ]);
    const plain = await probe("handshake-v2", "/plain");
    assert.equal(response.headers.get("sec-websocket-protocol"), "chat.v2");
    assert.equal(response.headers.get("x-room"), "probe");
    socket.send("members");
    assert.deepEqual(await nextJson(socket), { all: 2, v2: 1 });
    await Promise.all([leave(socket), leave(plain.socket)]);
  });

  it("S-WS-11: a request that is not an upgrade gets 426 with Upgrade: websocket", async () => {
    const response = await probeRooms
      .getByName("handshake-http-only")
      .fetch(new Request("http://probe.test/"));
    assert.equal(response.status, 426);
    assert.equal(response.headers.get("upgrade"), "websocket");
  });
});

describe("edgelette/cloudflare rooms: after accept (onMessage, onClose)", () => {
  it("S-WS-2: a WebSocketException from onMessage closes with its code and reason", async () => {
    const { socket } = await probe("message-ws");
    socket.send("ws-exception");
    assert.deepEqual(await nextClose(socket), { code: 4002, reason: "enough" });
  });

  it("S-WS-3: an HTTPException from onMessage closes with 4000 + status and the detail", async () => {
    const { socket } = await probe("message-http");
    socket.send("http-exception");
    assert.deepEqual(await nextClose(socket), { code: 4429, reason: "slow down" });
    assert.deepEqual(await reported("message-http"), []);
  });

  it("S-WS-11: the app's class handler answers an error from onMessage, nothing reported", async () => {
    const { socket } = await probe("message-teapot");
    socket.send("teapot");
    assert.deepEqual(await nextClose(socket), { code: 4418, reason: "teapot: in onMessage" });
    assert.deepEqual(await reported("message-teapot"), []);
  });

  it("S-WS-4: an unhandled error in onMessage closes 1011 and is reported once", async () => {
    const { socket } = await probe("message-crash");
    socket.send("crash");
    assert.deepEqual(await nextClose(socket), { code: 1011, reason: "" });
    assert.deepEqual(await reported("message-crash"), ["message crashed"]);
  });

  it("S-REP-1: onError hears a hook's failure as kind room, a failed handshake as kind request", async () => {
    const { socket } = await probe("kinds-room");
    socket.send("crash");
    await nextClose(socket);
    const roomInfos = await inspect("kinds-room", (instance) => instance.infos);
    assert.deepEqual(roomInfos, [{ kind: "room", route: undefined, requestId: undefined }]);
    assert.equal((await probeUpgrade("kinds-handshake", "/crash")).status, 500);
    const handshake = await inspect("kinds-handshake", (instance) => instance.infos);
    assert.deepEqual(
      handshake.map((info) => info.kind),
      ["request"],
    );
  });

  it("S-WS-11: ws.close(code, reason) from a hook reaches the client, and onClose runs once", async () => {
    const { socket } = await probe("message-close");
    socket.send("close");
    assert.deepEqual(await nextClose(socket), { code: 4100, reason: "bye" });
    // The client's answer to the close frame is what wakes onClose.
    await waitFor(() => inspect("message-close", (room) => room.closes.length > 0));
    assert.deepEqual(await inspect("message-close", (room) => room.closes), [
      { code: 4100, reason: "bye" },
    ]);
  });

  it("S-WS-11: a client's close is reciprocated with its code (never 1006) and reaches onClose", async () => {
    const { socket } = await probe("client-close");
    socket.close(4200, "leaving");
    assert.deepEqual(await nextClose(socket), { code: 4200, reason: "leaving" });
    await waitFor(() => inspect("client-close", (room) => room.closes.length > 0));
    assert.deepEqual(await inspect("client-close", (room) => room.closes), [
      { code: 4200, reason: "leaving" },
    ]);
  });

  it("S-WS-11: a close without a code is answered with a bare close frame", async () => {
    const { socket } = await probe("client-close-bare");
    socket.close();
    assert.equal((await nextClose(socket)).code, 1005);
  });

  it("S-WS-11: binary messages arrive as bytes and broadcast skips the sender", async () => {
    const first = await probe("binary");
    const second = await probe("binary");
    first.socket.send(new Uint8Array([1, 2, 3]));
    assert.deepEqual(await nextMessage(second.socket), new Uint8Array([1, 2, 3]));
    first.socket.send("members");
    assert.deepEqual(await nextJson(first.socket), { all: 2, v2: 0 });
    await Promise.all([leave(first.socket), leave(second.socket)]);
  });
});

describe("edgelette/cloudflare rooms: state in the socket's attachment", () => {
  it("S-WS-11: setState is kept across messages", async () => {
    const { socket } = await probe("state-count", "/alice");
    socket.send("count");
    socket.send("count");
    assert.deepEqual(await nextJson(socket), { joined: "/alice", count: 1 });
    assert.deepEqual(await nextJson(socket), { joined: "/alice", count: 2 });
    await leave(socket);
  });

  it("S-WS-11: a RoomSocket rebuilt from the bare socket (as after hibernation) has the state and URL", async () => {
    const { socket } = await probe("state-rebuilt", "/bob");
    socket.send("count");
    await nextJson(socket);
    const seen = await inspect("state-rebuilt", (_room, ctx) => {
      const [raw] = (ctx as { getWebSockets(): never[] }).getWebSockets();
      const rebuilt = RoomSocket.accepted<ProbeState>(raw as never);
      return { state: rebuilt.state, url: rebuilt.request.url, phase: rebuilt.phase };
    });
    assert.deepEqual(seen, {
      state: { joined: "/bob", count: 1 },
      url: "http://probe.test/bob",
      phase: "open",
    });
    await leave(socket);
  });

  it("S-WS-11: a state that cannot be an attachment fails at setState, naming the rule", async () => {
    const { socket } = await probe("state-invalid");
    socket.send("huge-state");
    const rule =
      /^TypeError: ws\.setState\(\) needs a structured-cloneable value of at most 16 KiB/;
    assert.match(String(await nextMessage(socket)), rule);
    socket.send("function-state");
    assert.match(String(await nextMessage(socket)), rule);
    await leave(socket);
  });
});

/** Polls `check` until it holds: some effects land on the server after the client saw its close. */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("condition not met within 1 s");
}
