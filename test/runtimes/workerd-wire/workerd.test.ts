// The over-the-wire slice on workerd: the test worker (worker(app) from
// edgelette/cloudflare) in a real workerd HTTP server; Node's fetch and the
// `ws` package are the clients.
import assert from "node:assert/strict";
import { afterAll, describe, it } from "vitest";
import { openTcp, RawWebSocket, readUntil } from "../../suite/raw-ws.ts";
import { streamWireSuite } from "../../suite/stream-wire.ts";
import { webSocketSuite } from "../../suite/websocket.ts";
import { wireSuite } from "../../suite/wire.ts";
import { connect, wsTarget, wsUrl } from "../node/ws-target.ts";
import { startWorkerdApps } from "./workerd-server.ts";

// One workerd, one socket per app: the worker picks its app from the TEST_APP binding.
const workerd = await startWorkerdApps(["wire", "ws", "adapter"]);
afterAll(() => workerd.close());

wireSuite(
  { describe, it },
  { baseUrl: () => workerd.url("wire").origin, brokenBodyEndsCleanly: true },
);

streamWireSuite(
  { describe, it },
  {
    baseUrl: () => workerd.url("wire").origin,
    brokenBodyEndsCleanly: true,
    seesClientLeave: false,
  },
);

webSocketSuite({ describe, it }, wsTarget(workerd.url("ws")), {
  runtime: "workerd",
  reports: async () => (await fetch(new URL("/__reports", workerd.url("ws")))).json(),
});

describe(`edgelette/cloudflare over the wire (compatibility date ${workerd.compatibilityDate})`, () => {
  it("S-WS-6: a client close is answered with the client's own code, never 1006", async () => {
    const socket = await connect(wsUrl(workerd.url("adapter"), "/ws/wait"));
    socket.close(4100, "bye");
    assert.deepEqual(await socket.next(), { kind: "close", code: 4100, reason: "bye" });
    const seen = await (await fetch(new URL("/reports", workerd.url("adapter")))).json();
    assert.deepEqual(seen.serverSaw, { code: 4100, reason: "bye" });
  });
});

describe("edgelette/cloudflare: close codes a client may not send (issue 19)", () => {
  const cases: [number, string][] = [
    [999, ""],
    [1006, ""],
    [5000, ""],
    [1005, "a reason"],
  ];
  for (const [code, reason] of cases) {
    it(`S-WS-6: a client close with ${code}${reason ? " and a reason" : ""} is answered 1002, and the endpoint sees 1002`, async () => {
      const port = Number(workerd.url("adapter").port);
      const client = await RawWebSocket.connect(port, `/ws/record?key=${code}`);
      client.sendClose(code, reason);
      const readout = await client.readAll(3000);
      const closes = await (await fetch(new URL("/closes", workerd.url("adapter")))).json();
      assert.deepEqual(readout.close, { code: 1002, reason: "" });
      assert.deepEqual(closes[code], { code: 1002, reason: "" });
    });
  }
});

describe("edgelette/cloudflare: a dropped connection", () => {
  it("S-WS-6: a connection dropped without a close frame reaches the endpoint as 1006", async () => {
    const client = await RawWebSocket.connect(
      Number(workerd.url("adapter").port),
      "/ws/record?key=drop",
    );
    client.drop();
    let closes: Record<string, unknown> = {};
    for (let tries = 0; tries < 100 && !closes.drop; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      closes = await (await fetch(new URL("/closes", workerd.url("adapter")))).json();
    }
    assert.deepEqual(closes.drop, { code: 1006, reason: "" });
  });
});

describe("edgelette/cloudflare: reporting after the response (issue 19)", () => {
  it("S-REP-2: an onError that returns a promise runs to its end for a body that failed midway", async () => {
    const response = await fetch(new URL("/stream", workerd.url("adapter")));
    await response.text().catch(() => "cut"); // workerd ends it cleanly (#6818); others cut it
    const late = async () => {
      const url = new URL("/late-reports", workerd.url("adapter"));
      return ((await (await fetch(url)).json()) as string[]).filter((m) => m === "stream broke");
    };
    let seen = await late();
    for (const deadline = Date.now() + 2000; seen.length === 0 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await late();
    }
    assert.deepEqual(seen, ["stream broke"], "workerd dropped the report once the response ended");
  });
});

describe("edgelette/cloudflare: an upgrade workerd cannot complete (issue 19)", () => {
  const handshakes: [string, string][] = [
    ["no key and no version", ""],
    ["version 99", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n"],
    ["a key that is not 16 bytes", "Sec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n"],
  ];
  for (const [what, headers] of handshakes) {
    it(`S-WS-5: a handshake with ${what} is the app's 400, and no endpoint is left waiting`, async () => {
      const socket = await openTcp(Number(workerd.url("adapter").port));
      socket.on("error", () => {});
      const answer = readUntil(socket, "upgrade request");
      socket.write(
        `GET /ws/live HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${headers}\r\n`,
      );
      const text = await answer;
      socket.destroy();
      assert.match(text, /^HTTP\/1\.1 400 /);
      assert.match(text, /invalid WebSocket upgrade request/, "edgelette's answer, not workerd's");
      const live = await (await fetch(new URL("/live", workerd.url("adapter")))).json();
      assert.equal(live, 0, "an endpoint still waits for a socket that never opens");
    });
  }
});

describe("edgelette/cloudflare: keep-alive", () => {
  it("a keep-alive connection serves the next request after a body the app refused unread", async () => {
    const socket = await openTcp(Number(workerd.url("adapter").port));
    socket.on("error", () => {});
    const body = "x".repeat(200_000);
    const first = readUntil(socket, "answered without reading");
    socket.write(
      `POST /unread HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    let text = await first;
    const rest = readUntil(socket, "HTTP/1.1 200"); // workerd may hold the connection open
    socket.write("GET /closes HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    text += await rest;
    assert.deepEqual(text.match(/HTTP\/1\.1 \d{3}/g), ["HTTP/1.1 413", "HTTP/1.1 200"]);
  });

  it("S-BAD-1, S-BAD-3: a refused chunked body that never ends is answered all the same: read up to 1 MiB, not forever", async () => {
    const socket = await openTcp(Number(workerd.url("adapter").port));
    socket.on("error", () => {});
    let answered = false;
    const answer = readUntil(socket, "answered without reading", 8000).finally(() => {
      answered = true;
    });
    socket.write("POST /unread HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
    const chunk = `10000\r\n${"x".repeat(0x10000)}\r\n`; // 64 KiB; the last chunk never comes
    for (let sent = 0; !answered && sent < 64; sent++) {
      await Promise.race([new Promise((resolve) => socket.write(chunk, resolve)), answer]);
    }
    const text = await answer;
    socket.destroy();
    assert.match(text, /^HTTP\/1\.1 413 /);
  });
});
