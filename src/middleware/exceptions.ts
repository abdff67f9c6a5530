import { RequestContext } from "../context.ts";
import { enableStackCapture } from "../error-base.ts";
import { type HTTPException, isHTTPException } from "../exceptions.ts";
import type { HandlerEntries, HandlerKey, HandlerTable } from "../handler-table.ts";
import { type Answer, isResponse, type Layer } from "../layer.ts";
import { isMatcher, type Matcher } from "../routing/found.ts";
import { callMount } from "../routing/mount.ts";
import type {
  AnyExceptionHandler,
  Context,
  ExceptionHandler,
  WebSocketExceptionHandler,
} from "../types.ts";
import { runWebSocketRoute } from "../websocket/run.ts";
import { createHandlerTable } from "./default-handlers.ts";
import { callHandler, handle } from "./handle.ts";
import { toLayer, type Wrappable } from "./to-layer.ts";

/** What the layer below an exception layer gives back: a router's miss comes back, not thrown. */
export type Outcome = Answer | HTTPException;

/** The layer below an exception layer. */
export type Below = (request: Request, ctx: Context) => Outcome;

/**
 * The router as the layer below: runs what `match` found, with `table` for
 * WebSocket routes. The endpoint is called in this frame (see `Route.finish`).
 */
export function runRouter(router: Matcher, table: HandlerTable): Below {
  return (request, ctx) => {
    const mounted = ctx as Partial<RequestContext>;
    const found = router.match(request, mounted.mountedPath, mounted.mountPrefix);
    switch (found.kind) {
      case "route":
        ctx.route = found.pattern;
        // A static path's `Found` is shared by its requests: its params are made on first read.
        if (found.params !== undefined) ctx.params = found.params;
        else if (ctx instanceof RequestContext) ctx.clearParams();
        else ctx.params = {};
        return found.route.finish(found.method, found.route.endpoint(request, ctx));
      case "websocket":
        ctx.params = found.params;
        ctx.route = found.pattern;
        return runWebSocketRoute(found.route, request, ctx, table);
      case "mount":
        return callMount(found.mount, found.rest, found.prefix, request, ctx);
      case "miss":
        return found.answer;
    }
  };
}

/** What an exception layer wraps: the router it runs, or any other layer. */
export function below(app: Wrappable, table: HandlerTable): Below {
  return isMatcher(app) ? runRouter(app, table) : toLayer(app);
}

export interface ExceptionMiddlewareOptions {
  handlers?: HandlerEntries;
  /** Keeps stack traces on handled exceptions (they are skipped otherwise, for speed). */
  debug?: boolean;
  /** @internal An app's table, shared with its 500 layer, which answers keys `500` and `Error`. */
  table?: HandlerTable;
}

/**
 * The handled-exception layer: turns `HTTPException`s and exceptions with a
 * registered handler into responses; re-throws everything else. On its own
 * (not inside an `App`) nothing outside answers errors, so a handler keyed
 * `Error` is its catch-all.
 * @example export default new ExceptionMiddleware(handler, { handlers: { 404: notFound } })
 */
export class ExceptionMiddleware {
  readonly #next: Below;
  readonly #table: HandlerTable;
  readonly #catchAll: boolean;

  constructor(app: Wrappable, options: ExceptionMiddlewareOptions = {}) {
    this.#table = options.table ?? createHandlerTable(options.handlers);
    this.#catchAll = options.table === undefined;
    this.#next = below(app, this.#table);
    if (options.debug) enableStackCapture();
  }

  addExceptionHandler(key: HandlerKey, handler: ExceptionHandler): void;
  addExceptionHandler(key: HandlerKey, handler: WebSocketExceptionHandler): void;
  addExceptionHandler(key: HandlerKey, handler: AnyExceptionHandler): void {
    this.#table.add(key, handler);
  }

  readonly handle: Layer = (request: Request, ctx: Context) => {
    let outcome: Outcome;
    try {
      outcome = this.#next(request, ctx);
    } catch (exc) {
      return this.#handle(exc, request, ctx);
    }
    if (isResponse(outcome)) return outcome;
    if (isHTTPException(outcome)) return this.#handle(outcome, request, ctx);
    return outcome.then(undefined, (exc) => this.#handle(exc, request, ctx));
  };

  /** Workers-style entry point; rejects with what no handler takes. */
  readonly fetch = async (request: Request, env?: unknown, executionCtx?: unknown) =>
    this.handle(request, new RequestContext(request, env, executionCtx));

  // With no handler, re-thrown to the next layer out (S-LOOK-5), or, on its
  // own, answered by the catch-all if there is one (as Starlette's does).
  #handle(exc: unknown, request: Request, ctx: Context): Answer {
    const answer = handle(this.#table, exc, request, ctx);
    if (answer !== undefined) return answer;
    const catchAll = this.#catchAll ? this.#table.forUnhandled() : undefined;
    if (catchAll === undefined) throw exc;
    return callHandler(catchAll, request, exc, ctx);
  }
}
