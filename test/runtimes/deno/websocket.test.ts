// The shared WebSocket suite against Deno's serve(), driven by Deno's own WebSocket client.
import { serve } from "../../../adapters/deno.ts";
import { rawHandshake } from "../../suite/raw-handshake.ts";
import { webSocketSuite } from "../../suite/websocket.ts";
import { createWebSocketApp } from "../../suite/ws-app.ts";
import { browserTarget } from "../../suite/ws-client.ts";
import { sanitizedSuite } from "./support.ts";

sanitizedSuite("WebSockets over the wire on Deno", async () => {
  const server = await serve(createWebSocketApp(), { port: 0 });
  const target = browserTarget(server.url, rawHandshake);
  const reports = async () => (await target.get("/__reports")).json();
  return {
    register: (api) => webSocketSuite(api, target, { runtime: "deno", reports }),
    stop: () => server.close(),
  };
});
