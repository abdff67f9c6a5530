// The shared WebSocket suite on Node, in memory through TestClient.
import { describe, it } from "vitest";
import { webSocketSuite } from "../../suite/websocket.ts";
import { createWebSocketApp } from "../../suite/ws-app.ts";
import { memoryTarget } from "../../suite/ws-client.ts";

const target = memoryTarget(createWebSocketApp());

webSocketSuite({ describe, it }, target, {
  runtime: "node",
  reports: async () => (await target.get("/__reports")).json(),
});
