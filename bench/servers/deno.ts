/**
 * The Deno server for one app: `deno run --allow-net=127.0.0.1 bench/servers/deno.ts <app>`.
 * Each app is served the way its own docs say: edgelette through its adapter,
 * Hono and the bare handler straight through `Deno.serve`.
 */
import { upgradeWebSocket } from "hono/deno";
import { serve } from "../../adapters/deno.ts";
import { createBareApp } from "../apps/bare.ts";
import { createEdgeletteApp } from "../apps/edgelette.ts";
import { createHonoApp } from "../apps/hono.ts";
import { announce, appFromArgs, isEchoRequest } from "./announce.ts";

// The slice of the Deno namespace used here, so `tsc` needs no Deno types.
declare const Deno: {
  serve(
    options: { hostname: string; port: number; onListen(): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { addr: { port: number } };
  upgradeWebSocket(request: Request): { socket: WebSocket; response: Response };
};

const listen = { hostname: "127.0.0.1", port: 0, onListen() {} };

/** The hand-written echo: what a bare Deno app does on an upgrade. */
function bareEcho(request: Request): Response {
  const { socket, response } = Deno.upgradeWebSocket(request);
  socket.onmessage = (event) => socket.send(event.data);
  return response;
}

async function start(): Promise<number> {
  const name = appFromArgs();
  if (name === "edgelette") return (await serve(createEdgeletteApp(), { port: 0 })).port;
  if (name === "hono") {
    return Deno.serve(listen, createHonoApp({ upgradeWebSocket }).fetch).addr.port;
  }
  const app = createBareApp();
  const handler = (request: Request) =>
    isEchoRequest(request) ? bareEcho(request) : app.fetch(request);
  return Deno.serve(listen, handler).addr.port;
}

const port = await start();
announce(port, port);
