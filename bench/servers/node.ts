/**
 * The Node server for one app: `node …/bench/servers/node.js <app>` (compiled
 * by bench/lib/build.mjs: Node 20 cannot run TypeScript). All three apps go through
 * the same server code, edgelette's `node:http` adapter, so the comparison
 * is fair: Hono's own Node server is not a dependency of this project.
 *
 * WebSockets: edgelette's echo goes through the adapter. The bare echo is a
 * hand-written `ws` server on a second port (the adapter only upgrades for
 * edgelette routes). Hono needs `@hono/node-ws`, not installed: no echo.
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { serve } from "../../adapters/node.ts";
import { createApp } from "../apps/index.ts";
import { announce, appFromArgs } from "./announce.ts";

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
const { port } = await serve(createApp(name), { port: 0 });
if (name === "edgelette") announce(port, port);
else if (name === "hono") announce(port, null);
else announce(port, await startBareEcho());
