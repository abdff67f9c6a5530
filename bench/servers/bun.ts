/**
 * The Bun server for one app: `bun bench/servers/bun.ts <app>`. Each app is
 * served the way its own docs say: edgelette through its adapter, Hono with
 * `hono/bun`'s WebSocket helper, Elysia with its own `listen` and `.ws()`, h3
 * with its own `serve` (no echo: h3's needs crossws), the bare handler with
 * `Bun.serve` directly.
 */
import { upgradeWebSocket, websocket } from "hono/bun";
import { serve } from "../../adapters/bun.ts";
import { createBareApp } from "../apps/bare.ts";
import { createEdgeletteApp } from "../apps/edgelette.ts";
import { createElysiaApp } from "../apps/elysia.ts";
import { createHonoApp } from "../apps/hono.ts";
import { announce, appFromArgs, isEchoRequest } from "./announce.ts";
import { serveH3 } from "./h3.ts";

interface BunSocket {
  send(data: string | Uint8Array): number;
}
interface BunServer {
  readonly port: number;
  upgrade(request: Request): boolean;
}
// The slice of Bun's API used here, so `tsc` needs no Bun types.
declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    fetch(
      request: Request,
      server: BunServer,
    ): Response | undefined | Promise<Response | undefined>;
    websocket: unknown;
  }): BunServer;
};

/** The hand-written echo: what a bare Bun app does on an upgrade. */
const bareEcho = {
  message: (ws: BunSocket, message: string | Uint8Array) => ws.send(message),
};

async function start(): Promise<[port: number, echo: boolean]> {
  const name = appFromArgs();
  if (name === "edgelette") return [(await serve(createEdgeletteApp(), { port: 0 })).port, true];
  if (name === "hono") {
    const app = createHonoApp({ upgradeWebSocket });
    return [Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, websocket }).port, true];
  }
  if (name === "elysia") {
    const app = createElysiaApp({ echo: true }).listen({ hostname: "127.0.0.1", port: 0 });
    return [app.server?.port as number, true];
  }
  if (name === "h3") return [await serveH3(), false];
  const app = createBareApp();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request, server) {
      if (isEchoRequest(request) && server.upgrade(request)) return undefined;
      return app.fetch(request);
    },
    websocket: bareEcho,
  });
  return [server.port, true];
}

const [port, echo] = await start();
announce(port, echo ? port : null);
