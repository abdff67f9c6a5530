/**
 * The test worker: one app per name, each behind `worker(app)`. In process the
 * hostname picks the app (`http://adapter.test/…`); over the wire, where the
 * host is 127.0.0.1, the `TEST_APP` binding does.
 */
import { type ExportedHandler, worker } from "../../../adapters/cloudflare.ts";
import { createWireApp } from "../../suite/wire-app.ts";
import { createWebSocketApp } from "../../suite/ws-app.ts";
import { createAdapterApp } from "./adapter-app.ts";
import { createTimeoutApp } from "./timeout-app.ts";

const apps: Record<string, ExportedHandler<Record<string, unknown>>> = {
  adapter: worker(createAdapterApp().app),
  ws: worker(createWebSocketApp()),
  wire: worker(createWireApp()),
  timeout: worker(createTimeoutApp()),
};

const handler: ExportedHandler<Record<string, unknown>> = {
  fetch: async (request, env, ctx) => {
    const name = String(env.TEST_APP ?? new URL(request.url).hostname.split(".")[0]);
    const app = apps[name];
    if (app) return app.fetch(request, env, ctx);
    return new Response(`the test worker has no app "${name}"`, { status: 421 });
  },
};

export default handler;
