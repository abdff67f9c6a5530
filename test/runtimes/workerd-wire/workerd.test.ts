// The over-the-wire slice on workerd: the test worker (worker(app) from
// edgelette/cloudflare) in a real workerd HTTP server; Node's fetch and the
// `ws` package are the clients.
import assert from "node:assert/strict";
import { afterAll, describe, it } from "vitest";
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
