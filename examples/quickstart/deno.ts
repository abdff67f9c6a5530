// Deno: `deno run --allow-net --allow-env --allow-read deno.ts`
import { App, type Context, HTTPException, JSONResponse, Route } from "edgelette";
import { config, serve } from "edgelette/deno";

const hello = (_request: Request, ctx: Context) => new JSONResponse({ hello: ctx.params.name });
const secret = () => {
  throw new HTTPException(403, "no entry");
};
const app = new App({ routes: [new Route("/hello/{name}", hello), new Route("/secret", secret)] });

const server = await serve(app, { port: config().number("PORT", 8000) });
console.log(`listening on ${server.url}`);
