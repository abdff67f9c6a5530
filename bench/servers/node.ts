/**
 * The Node server for one app: `node …/bench/servers/node.js <app>` (compiled
 * by bench/lib/build.mjs: Node 20 cannot run TypeScript). h3 is served the
 * way its docs say, by its own `serve` (srvx, a dependency of h3). The others
 * go through the same server code, edgelette's `node:http` adapter: Hono's and
 * Elysia's Node servers (`@hono/node-server`, `@elysiajs/node`) are not
 * dependencies of this project.
 *
 * WebSockets: edgelette's echo goes through the adapter. The bare echo is a
 * hand-written `ws` server on a second port (the adapter only upgrades for
 * edgelette routes). Hono, Elysia and h3 need packages not installed: no echo.
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { serve } from "../../adapters/node.ts";
import { createApp } from "../apps/index.ts";
import { announce, appFromArgs } from "./announce.ts";
import { serveH3 } from "./h3.ts";

async function startBareEcho(): Promise<number> {
  const server = createServer((_request, response) => response.writeHead(426).end());
  const sockets = new WebSocketServer({ server });
  sockets.on("connection", (ws) => {
    ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

const name = appFromArgs();
if (name === "h3") {
  announce(await serveH3(), null);
} else {
  const { port } = await serve(createApp(name), { port: 0 });
  if (name === "edgelette") announce(port, port);
  else if (name === "bare" || name === "bare2") announce(port, await startBareEcho());
  else announce(port, null);
}
