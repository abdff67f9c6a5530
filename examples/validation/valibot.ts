// The README's valibot example ("Validating input"), tested by test/examples/validation.test.ts.
import * as v from "valibot";
import { App, JSONResponse, Route, WebSocketRoute } from "../../src/index.ts";

const Search = v.object({
  q: v.pipe(v.string(), v.trim(), v.minLength(1)),
  // "?limit=5" arrives as the string "5": toNumber makes it a number.
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.maxValue(100)), "20"),
  // "?tag=a&tag=b" arrives as ["a", "b"], "?tag=a" as "a".
  tag: v.optional(v.union([v.string(), v.array(v.string())])),
});
const Version = v.object({ "x-api-version": v.literal("2") });

const search = new Route(
  "/search",
  (_request, ctx) => {
    const { q, limit, tag } = ctx.valid.query; // limit: number
    return new JSONResponse({ q, limit, tags: tag === undefined ? [] : [tag].flat() });
  },
  { query: Search, headers: Version },
);

// Each message validated; an invalid one the endpoint lets through closes 4422.
const game = new WebSocketRoute("/game", async (ws) => {
  ws.accept();
  while (true) {
    const { x, y } = await ws.receiveJson(v.object({ x: v.number(), y: v.number() }));
    ws.sendJson({ moved: [x, y] });
  }
});

export const app = new App({ routes: [search, game] });
