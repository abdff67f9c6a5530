// The shared WebSocket suite on Deno, in memory through TestClient.
import { webSocketSuite } from "../../suite/websocket.ts";
import { createWebSocketApp } from "../../suite/ws-app.ts";
import { memoryTarget } from "../../suite/ws-client.ts";
import { sanitizedSuite } from "./support.ts";

sanitizedSuite("WebSockets in memory on Deno", async () => {
  const target = memoryTarget(createWebSocketApp());
  const reports = async () => (await target.get("/__reports")).json();
  return { register: (api) => webSocketSuite(api, target, { runtime: "deno", reports }) };
});
