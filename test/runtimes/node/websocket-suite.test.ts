import { afterAll, describe, it } from "vitest";
import { serve } from "../../../adapters/node.ts";
import { webSocketSuite } from "../../suite/websocket.ts";
import { createWebSocketApp } from "../../suite/ws-app.ts";
import { wsTarget } from "./ws-target.ts";

// createWebSocketApp() served by edgelette/node, reached over the wire with the `ws` client.
const server = await serve(createWebSocketApp(), { port: 0 });
afterAll(() => server.close());

webSocketSuite({ describe, it }, wsTarget(server.url), {
  runtime: "node",
  reports: async () => (await fetch(new URL("/__reports", server.url))).json(),
});
