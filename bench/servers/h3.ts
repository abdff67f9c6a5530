/**
 * h3 served the way its docs say on every runtime: `serve(app)` from h3,
 * which is srvx (node:http with srvx's own request, `Deno.serve`, `Bun.serve`).
 * No WebSocket echo: h3's needs crossws, not a dependency here.
 */
import { serve } from "h3";
import { createH3App } from "../apps/h3.ts";

export async function serveH3(): Promise<number> {
  const server = serve(createH3App(), { hostname: "127.0.0.1", port: 0, silent: true });
  await server.ready();
  return Number(new URL(server.url as string).port);
}
