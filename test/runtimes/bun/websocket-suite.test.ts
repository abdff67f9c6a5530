// The shared WebSocket suite against createWebSocketApp() served by edgelette/bun,
// reached with Bun's own WebSocket client.
import { afterAll, describe, it } from "bun:test";
import { serve } from "../../../adapters/bun.ts";
import { rawHandshake } from "../../suite/raw-handshake.ts";
import { webSocketSuite } from "../../suite/websocket.ts";
import { createWebSocketApp } from "../../suite/ws-app.ts";
import { browserTarget } from "../../suite/ws-client.ts";

const server = await serve(createWebSocketApp(), { port: 0 });
afterAll(() => server.close());
const target = browserTarget(server.url, rawHandshake);

webSocketSuite({ describe, it }, target, {
  runtime: "bun",
  reports: async () => (await target.get("/__reports")).json(),
});
