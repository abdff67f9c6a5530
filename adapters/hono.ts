// edgelette and Hono, both directions (S-RT-3).
//
// edgelette inside Hono: `exceptionLayers()` runs the routes below it inside
// edgelette's two exception layers. Hono's compose catches every `Error` a
// handler throws and calls `app.onError` at that spot, before any middleware
// sees it; so `layers.onError` re-throws what happens inside the middleware
// (it then travels up as an exception, past Hono middleware that may
// try/catch it) and answers what happens outside with the same layers.
// Without it, the middleware still takes back errors another `onError`
// answered (`c.error` after `await next()`), but that one may have logged them.
//
// Hono inside edgelette: `forwardErrors(app)` makes a Hono app let its errors
// escape `fetch`, so a `Mount` hands them to the parent's layers.

import type {
  ErrorHandler,
  Context as HonoContext,
  MiddlewareHandler,
  Next,
  NotFoundHandler,
} from "hono";
import { HTTPException as HonoHTTPException } from "hono/http-exception";
import { RequestContext } from "../src/context.ts";
import { HTTPException } from "../src/exceptions.ts";
import { type HandlerEntries, HandlerTable } from "../src/handler-table.ts";
import type { Answer } from "../src/layer.ts";
import { createHandlerTable } from "../src/middleware/default-handlers.ts";
import { ServerErrorMiddleware } from "../src/middleware/errors.ts";
import type { ErrorReporter } from "../src/reporting.ts";
import type { Handler } from "../src/types.ts";

export interface ExceptionLayersOptions {
  /** Status codes or error classes → handlers, as `App`'s option of the same name. */
  exceptionHandlers?: HandlerEntries;
  /** Unhandled errors answer with a traceback page. Off by default. */
  debug?: boolean;
  /** Called once for each unhandled error; defaults to `console.error` with the stack. */
  onError?: ErrorReporter;
}

/** The middleware, with the two handlers that complete it. */
export interface ExceptionLayers extends MiddlewareHandler {
  /** For `app.onError`: errors reach the layers once, and are not logged by Hono as well. */
  onError: ErrorHandler;
  /** For `app.notFound`: Hono's 404 goes through edgelette's 404 handler. */
  notFound: NotFoundHandler;
}

/** Errors an edgelette handler deliberately sent on; `c.error` holding one needs no answer. */
const passedOn = new WeakSet<object>();

/** The context the layers run with: edgelette's, plus what lies below on the Hono side. */
class BridgeContext extends RequestContext {
  /** Set when the routes below answered without an error. */
  routesAnswered = false;
  constructor(
    c: HonoContext,
    readonly below: (ctx: BridgeContext) => Promise<Response>,
  ) {
    super(c.req.raw, c.env, executionCtxOf(c));
  }
}

/**
 * edgelette's exception layers as Hono middleware, for the routes registered after it.
 * @example
 * const layers = exceptionLayers({ exceptionHandlers: problemDetailsHandlers() });
 * app.use(layers).onError(layers.onError).notFound(layers.notFound);
 */
export function exceptionLayers(options: ExceptionLayersOptions = {}): ExceptionLayers {
  const bridge = new HonoBridge(options);
  return Object.assign(bridge.middleware, { onError: bridge.onError, notFound: bridge.notFound });
}

class HonoBridge {
  readonly #stack: ServerErrorMiddleware;
  /** How many times each request is inside `middleware` right now (nested apps may repeat it). */
  readonly #depth = new WeakMap<HonoContext, number>();

  constructor(options: ExceptionLayersOptions) {
    const { exceptionHandlers, debug = false, onError } = options;
    // Both exception layers in one, as in an `App` without middleware.
    const table = createHandlerTable(exceptionHandlers);
    const below = callBelow(new HandlerTable(exceptionHandlers));
    this.#stack = new ServerErrorMiddleware(below, { table, debug, onError });
  }

  readonly middleware: MiddlewareHandler = async (c, next) => {
    const ctx = new BridgeContext(c, (self) => this.#runRoutesBelow(c, next, self));
    const response = await this.#stack.handle(c.req.raw, ctx);
    if (!ctx.routesAnswered) c.error = undefined; // answered (and reported) by edgelette
    // Reading `c.res` first makes headers set with `c.header()` part of it, so the
    // assignment keeps them, as Hono does for its onError responses.
    if (c.res !== response) c.res = response;
  };

  readonly onError: ErrorHandler = (error, c) => {
    if (!this.#isInside(c)) return this.#answer(c, error);
    passedOn.add(error);
    throw error;
  };

  readonly notFound: NotFoundHandler = (c) => {
    const exc = new HTTPException(404);
    if (!this.#isInside(c)) return this.#answer(c, exc);
    throw exc;
  };

  async #runRoutesBelow(c: HonoContext, next: Next, ctx: BridgeContext): Promise<Response> {
    this.#depth.set(c, (this.#depth.get(c) ?? 0) + 1);
    try {
      await next();
    } finally {
      this.#depth.set(c, (this.#depth.get(c) ?? 1) - 1);
    }
    // Another onError answered this one below us: edgelette answers it instead.
    if (c.error !== undefined && !passedOn.has(c.error)) throw c.error;
    ctx.routesAnswered = true;
    return c.res;
  }

  /** The layers' answer to an error that happened outside the middleware. */
  #answer(c: HonoContext, error: unknown): Answer {
    return this.#stack.handle(c.req.raw, new BridgeContext(c, () => Promise.reject(error)));
  }

  #isInside(c: HonoContext): boolean {
    return (this.#depth.get(c) ?? 0) > 0;
  }
}

/**
 * The innermost layer: whatever lies below on the Hono side, Hono's
 * `HTTPException` translated unless the user keyed a handler by its class.
 */
function callBelow(userEntries: HandlerTable): Handler {
  return async (_request, ctx) => {
    const bridge = ctx as BridgeContext;
    try {
      return await bridge.below(bridge);
    } catch (error) {
      if (!isHonoHTTPException(error) || userEntries.forClass(error)) throw error;
      return translateHonoException(error);
    }
  };
}

/**
 * Makes a Hono app let its errors escape `fetch`, for an edgelette `Mount`:
 * Hono's `HTTPException` becomes edgelette's (one with a custom `res` is sent
 * as Hono sends it), and, unless `notFound: false`, Hono's 404 becomes the parent's.
 * @example new App({ routes: [new Mount("/legacy", forwardErrors(legacyHonoApp))] })
 */
export function forwardErrors<
  App extends {
    onError(handler: ErrorHandler): unknown;
    notFound(handler: NotFoundHandler): unknown;
  },
>(app: App, options: { notFound?: boolean } = {}): App {
  app.onError((error) => {
    passedOn.add(error);
    if (!isHonoHTTPException(error)) throw error;
    if (error.res) return error.getResponse();
    throw toHTTPException(error);
  });
  if (options.notFound ?? true) {
    app.notFound(() => {
      throw new HTTPException(404);
    });
  }
  return app;
}

/**
 * Hono's `HTTPException` in edgelette's terms: one with a custom `res` is
 * the Hono route's own answer, sent as Hono sends it; any other becomes
 * edgelette's `HTTPException` with the same status and message, for the table.
 */
function translateHonoException(error: HonoHTTPException): Response {
  if (error.res) return error.getResponse();
  throw toHTTPException(error);
}

function toHTTPException(error: HonoHTTPException): HTTPException {
  const exc = new HTTPException(error.status, error.message || undefined);
  exc.cause = error;
  return exc;
}

// By shape as well as class, as Hono's own default handler does: the app may
// use another copy of hono than the one edgelette depends on.
function isHonoHTTPException(error: unknown): error is HonoHTTPException {
  if (error instanceof HonoHTTPException) return true;
  const candidate = error as Partial<HonoHTTPException> | null;
  return (
    error instanceof Error &&
    typeof candidate?.getResponse === "function" &&
    Number.isInteger(candidate.status)
  );
}

function executionCtxOf(c: HonoContext): unknown {
  try {
    return c.executionCtx;
  } catch {
    return undefined; // Hono's getter throws when the runtime gave none
  }
}
