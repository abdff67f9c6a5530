/**
 * The Deno server for one app: `deno run --allow-net=127.0.0.1 bench/servers/deno.ts <app>`.
 * Each app is served the way its own docs say: edgelette through its adapter,
 * h3 with its own `serve`, Hono, Elysia and the bare handler straight through
 * `Deno.serve`. Elysia's WebSockets are Bun's and h3's need crossws: no echo.
 */
import { upgradeWebSocket } from "hono/deno";
import { serve } from "../../adapters/deno.ts";
import { createBareApp } from "../apps/bare.ts";
import { createEdgeletteApp } from "../apps/edgelette.ts";
import { createElysiaApp } from "../apps/elysia.ts";
import { createHonoApp } from "../apps/hono.ts";
import { announce, appFromArgs, isEchoRequest } from "./announce.ts";
import { serveH3 } from "./h3.ts";

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

async function start(): Promise<[port: number, echo: boolean]> {
  const name = appFromArgs();
  if (name === "edgelette") return [(await serve(createEdgeletteApp(), { port: 0 })).port, true];
  if (name === "hono") {
    return [Deno.serve(listen, createHonoApp({ upgradeWebSocket }).fetch).addr.port, true];
  }
  if (name === "elysia") return [Deno.serve(listen, createElysiaApp().fetch).addr.port, false];
  if (name === "h3") return [await serveH3(), false];
  const app = createBareApp();
  const handler = (request: Request) =>
    isEchoRequest(request) ? bareEcho(request) : app.fetch(request);
  return [Deno.serve(listen, handler).addr.port, true];
}

const [port, echo] = await start();
announce(port, echo ? port : null);
