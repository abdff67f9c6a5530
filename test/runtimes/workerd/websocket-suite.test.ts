import { describe, it } from "vitest";
import { webSocketSuite } from "../../suite/websocket.ts";
import { workerTarget } from "./targets.ts";

// createWebSocketApp() behind worker(app), reached through workerd's own fetch path.
const target = workerTarget("ws.test");

webSocketSuite({ describe, it }, target, {
  runtime: "workerd",
  reports: async () => (await target.get("/__reports")).json(),
});
