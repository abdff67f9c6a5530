// The shared WebSocket suite against Deno's serve(), driven by Deno's own WebSocket client.
import { serve } from "../../../adapters/deno.ts";
import { webSocketSuite } from "../../suite/websocket.ts";
import { createWebSocketApp } from "../../suite/ws-app.ts";
import { sanitizedSuite, webSocketTarget } from "./support.ts";

sanitizedSuite("WebSockets over the wire on Deno", async () => {
  const server = await serve(createWebSocketApp(), { port: 0 });
  const reports = async () => (await fetch(new URL("/__reports", server.url))).json();
  return {
    register: (api) => webSocketSuite(api, webSocketTarget(server), { runtime: "deno", reports }),
    stop: () => server.close(),
  };
});
