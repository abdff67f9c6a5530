import { RequestContext } from "../src/context.ts";
import { JSONResponse, PlainTextResponse } from "../src/index.ts";
import { requestPath } from "../src/routing/request-path.ts";
import { createEdgeletteApp } from "./apps/edgelette.ts";

const app = createEdgeletteApp();
const router = app.router;
const N = 200_000;
function time(label: string, make: () => Request, fn: (r: Request) => unknown) {
  for (let round = 0; round < 3; round++) {
    const reqs = Array.from({ length: N }, make);
    const t = performance.now();
    for (const r of reqs) fn(r);
    const ns = ((performance.now() - t) * 1e6) / N;
    if (round === 2) console.log(label.padEnd(30), ns.toFixed(0), "ns");
  }
}
const mk = () => new Request("http://bench.local/");
const mk2 = () => new Request("http://bench.local/users/42");
time("nothing", mk, () => 0);
time("request.url", mk, (r) => r.url);
time("request.method", mk, (r) => r.method);
time("requestPath(url)", mk, (r) => requestPath(r.url));
time("router.match /", mk, (r) => router.match(r));
time("router.match /users/42", mk2, (r) => router.match(r));
time("new RequestContext", mk, (r) => new RequestContext(r));
time("new Response(text)", mk, () => new Response("Hello, World!"));
time("new Response(text, {})", mk, () => new Response("Hello, World!", {}));
time("new PlainTextResponse", mk, () => new PlainTextResponse("Hello, World!"));
time("new JSONResponse", mk, () => new JSONResponse({ id: 42, name: "user-42" }));
time("Response.json", mk, () => Response.json({ id: 42, name: "user-42" }));
time(
  "new Response(JSON, hdrs obj)",
  mk,
  () =>
    new Response(JSON.stringify({ id: 42, name: "user-42" }), {
      headers: { "content-type": "application/json" },
    }),
);
time("app.fetch /", mk, (r) => app.fetch(r));
time("app.fetch /users/42", mk2, (r) => app.fetch(r));
