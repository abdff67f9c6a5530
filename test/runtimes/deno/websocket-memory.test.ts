// The shared WebSocket suite on Deno, in memory through TestClient.
import { TestClient } from "../../../src/testing/index.ts";
import { webSocketSuite } from "../../suite/websocket.ts";
import { createWebSocketApp } from "../../suite/ws-app.ts";
import { memoryTarget, sanitizedSuite } from "./support.ts";

sanitizedSuite("WebSockets in memory on Deno", async () => {
  // A real client sees a 500 or a 1011, not the server's error: don't re-raise it.
  const client = new TestClient(createWebSocketApp(), { raiseServerExceptions: false });
  const reports = async () => (await client.get("/__reports")).json();
  return {
    register: (api) => webSocketSuite(api, memoryTarget(client), { runtime: "deno", reports }),
  };
});
