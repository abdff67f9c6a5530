import type { RequestContext } from "../context.ts";
import type { Layer } from "../layer.ts";
import type { Context, Fetchable, Handler } from "../types.ts";

/** Something a layer can wrap: a handler, an edgelette layer, or any `{ fetch }` object. */
export type Wrappable = Handler | Layer | Fetchable | { handle: Handler | Layer };

/**
 * Adapts `app` to a layer. edgelette layers share the request's context
 * (`handle`); foreign `{ fetch }` objects get the runtime's env and context.
 */
export function toLayer(app: Wrappable): Layer {
  if (typeof app === "function") return app;
  if ("handle" in app && typeof app.handle === "function") return app.handle;
  if ("fetch" in app && typeof app.fetch === "function") {
    return (request, ctx: Context) =>
      app.fetch(request, ctx.env, (ctx as Partial<RequestContext>).executionCtx ?? ctx);
  }
  throw new TypeError("expected a handler function, an edgelette app, or an object with fetch()");
}
