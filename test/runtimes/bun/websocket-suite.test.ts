// The shared WebSocket suite against createWebSocketApp() served by edgelette/bun,
// reached with Bun's own WebSocket client.
import { afterAll, describe, it } from "bun:test";
import { serve } from "../../../adapters/bun.ts";
import { webSocketSuite } from "../../suite/websocket.ts";
import { createWebSocketApp } from "../../suite/ws-app.ts";
import { wireTarget } from "./targets.ts";

const server = await serve(createWebSocketApp(), { port: 0 });
afterAll(() => server.close());

webSocketSuite({ describe, it }, wireTarget(server.url), {
  runtime: "bun",
  reports: async () => (await fetch(new URL("/__reports", server.url))).json(),
});
