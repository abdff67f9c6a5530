// Node 20+: `node node.mjs` (Node runs JavaScript; the same code works as .ts under a TS loader).
import { App, HTTPException, JSONResponse, Route } from "edgelette";
import { config, serve } from "edgelette/node";

const hello = (_request, ctx) => new JSONResponse({ hello: ctx.params.name });
const secret = () => {
  throw new HTTPException(403, "no entry");
};
const app = new App({ routes: [new Route("/hello/{name}", hello), new Route("/secret", secret)] });

const server = await serve(app, { port: config().number("PORT", 8000) });
console.log(`listening on ${server.url}`);
