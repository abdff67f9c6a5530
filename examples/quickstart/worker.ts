// Cloudflare Workers: `wrangler dev` with `main = "worker.ts"` (use `worker(app)` from
// edgelette/cloudflare instead of `app` when the app has WebSocket routes).
import { App, type Context, HTTPException, JSONResponse, Route } from "edgelette";

const hello = (_request: Request, ctx: Context) => new JSONResponse({ hello: ctx.params.name });
const secret = () => {
  throw new HTTPException(403, "no entry");
};
const app = new App({ routes: [new Route("/hello/{name}", hello), new Route("/secret", secret)] });

export default app;
