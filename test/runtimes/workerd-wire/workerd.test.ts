// The over-the-wire slice on workerd: the test worker (worker(app) from
// edgelette/cloudflare) in a real workerd HTTP server; Node's fetch and the
// `ws` package are the clients.
import assert from "node:assert/strict";
import { afterAll, describe, it } from "vitest";
import { openTcp, RawWebSocket, readToEnd, readUntil } from "../../suite/raw-ws.ts";
import { streamWireSuite } from "../../suite/stream-wire.ts";
import { webSocketSuite } from "../../suite/websocket.ts";
import { wireSuite } from "../../suite/wire.ts";
import { connect, wsTarget, wsUrl } from "../node/ws-target.ts";
import { startWorkerdApps } from "./workerd-server.ts";

// One workerd (Miniflare) per app: the worker picks its app from the TEST_APP binding.
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
    const rest = readToEnd(socket);
    socket.write("GET /closes HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    text += await rest;
    assert.deepEqual(text.match(/HTTP\/1\.1 \d{3}/g), ["HTTP/1.1 413", "HTTP/1.1 200"]);
  });
});
