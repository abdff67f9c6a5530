// The shared WebSocket suite on Bun, in memory through TestClient.
import { describe, it } from "bun:test";
import { TestClient } from "../../../src/testing/index.ts";
import { webSocketSuite } from "../../suite/websocket.ts";
import { createWebSocketApp } from "../../suite/ws-app.ts";
import { memoryTarget } from "./targets.ts";

// A real client sees a 500 or a 1011, not the server's error: don't re-raise it.
const client = new TestClient(createWebSocketApp(), { raiseServerExceptions: false });

webSocketSuite({ describe, it }, memoryTarget(client), {
  runtime: "bun",
  reports: async () => (await client.get("/__reports")).json(),
});
