import type { HandlerEntries, HandlerKey, HandlerTable } from "./handler-table.ts";
import type { Answer, Layer } from "./layer.ts";
import { createHandlerTable } from "./middleware/default-handlers.ts";
import { ServerErrorMiddleware } from "./middleware/errors.ts";
import { ExceptionMiddleware } from "./middleware/exceptions.ts";
import type { Wrappable } from "./middleware/to-layer.ts";
import type { ErrorReporter } from "./reporting.ts";
import type { BaseRoute } from "./routing/route.ts";
import { Router } from "./routing/router.ts";
import type {
  AnyExceptionHandler,
  ExceptionHandler,
  Handler,
  Middleware,
  WebSocketExceptionHandler,
} from "./types.ts";

export interface AppOptions {
  routes?: readonly BaseRoute[];
  /** Between the 500 layer and the exception layer; the first listed is outermost. */
  middleware?: readonly Middleware[];
  /** Outside the 500 layer, so they also see (and can decorate) 500 responses: CORS, request ids. */
  outerMiddleware?: readonly Middleware[];
  /** Status codes or error classes → handlers: a `Map`, `[key, handler]` pairs, or `{ 404: h }`. */
  exceptionHandlers?: HandlerEntries;
  /** Unhandled errors answer with a traceback page. Off by default. */
  debug?: boolean;
  /** Called once for each unhandled error; defaults to `console.error` with the stack. */
  onError?: ErrorReporter;
  /**
   * A request with no answer after this many ms gets a 503 (504 while a mounted fetch
   * handler holds it), reported once with its route. Off by default: `serve()` has its own.
   */
  requestTimeout?: number;
}

export interface StackParts {
  router: Router;
  /** Shared by both exception layers: `500` and `Error` are the outer one's keys. */
  table: HandlerTable;
  middleware: readonly Middleware[];
  outerMiddleware: readonly Middleware[];
  debug: boolean;
  onError: ErrorReporter | undefined;
  /** For the outermost layer only: the one that answers the client. */
  requestTimeout?: number;
}

/**
 * The layer order, read top to bottom as a request travels:
 *   outer middleware → ServerErrorMiddleware → middleware → ExceptionMiddleware → router → endpoint
 * Built once. Returns the outermost layer: its `fetch` is the app's.
 */
export function buildStack(parts: StackParts): ServerErrorMiddleware {
  const { router, table, middleware, outerMiddleware, debug, onError, requestTimeout } = parts;
  // 1. With no middleware between the two exception layers, they are one: the
  //    500 layer runs the router and consults the table first (one `try`).
  //    With middleware, each layer re-throws what it cannot answer.
  const inner: Wrappable =
    middleware.length === 0
      ? router
      : wrap(new ExceptionMiddleware(router, { table, debug }).handle, middleware);
  const outermost = { table, debug, onError, requestTimeout };
  if (outerMiddleware.length === 0) return new ServerErrorMiddleware(inner, outermost);
  const serverErrors = new ServerErrorMiddleware(inner, { table, debug, onError });
  // 2. Outer middleware sees every response, 500s included. What it throws, or
  //    a non-`Response` it returns, is caught by one more 500 layer around it.
  const outer = wrap(serverErrors.handle, outerMiddleware);
  return new ServerErrorMiddleware(outer, outermost);
}

/**
 * Applies middleware so that the first listed ends up outermost. Middleware
 * is promised a `Handler` that returns a promise, so the layer below is
 * adapted at that boundary only.
 */
function wrap(inner: Layer, middleware: readonly Middleware[]): Layer {
  const next: Handler = async (request, ctx) => inner(request, ctx);
  return middleware.reduceRight((below, each) => each(below), next);
}

/**
 * An edgelette application: a router inside the two exception layers.
 * `fetch` is bound, so `export default app` works on Workers.
 * @example
 * const app = new App({ routes: [new Route("/", () => new PlainTextResponse("hi"))] });
 * export default app;
 */
export class App {
  readonly router: Router;
  readonly #table: HandlerTable;
  /**
   * The Fetch-API entry point, `(request, env?, executionCtx?)`: the 500
   * layer's own. Answers at once when nothing had to wait (as Hono does),
   * else with a promise that never rejects.
   */
  readonly fetch: (request: Request, env?: unknown, executionCtx?: unknown) => Answer;
  /** The whole stack as a layer, for mounting inside another app. */
  readonly handle: Layer;

  constructor(options: AppOptions = {}) {
    checkMiddleware(options.middleware, "middleware");
    checkMiddleware(options.outerMiddleware, "outerMiddleware");
    this.router = new Router(options.routes ?? []);
    this.#table = createHandlerTable(options.exceptionHandlers);
    const stack = buildStack({
      router: this.router,
      table: this.#table,
      middleware: options.middleware ?? [],
      outerMiddleware: options.outerMiddleware ?? [],
      debug: options.debug ?? false,
      onError: options.onError,
      requestTimeout: options.requestTimeout,
    });
    this.fetch = stack.fetch;
    this.handle = stack.handle;
  }

  /** Registers a handler; it takes effect from the next request, even after the first. */
  addExceptionHandler(key: HandlerKey, handler: ExceptionHandler): void;
  addExceptionHandler(key: HandlerKey, handler: WebSocketExceptionHandler): void;
  addExceptionHandler(key: HandlerKey, handler: AnyExceptionHandler): void {
    this.#table.add(key, handler);
  }

  /** @internal The handler table, for Durable Object rooms that answer as this app does. */
  get exceptionTable(): HandlerTable {
    return this.#table;
  }
}

function checkMiddleware(list: readonly Middleware[] | undefined, option: string): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) throw new TypeError(`App option ${option} must be an array`);
  for (const each of list) {
    if (typeof each !== "function") {
      throw new TypeError(
        `each entry of App option ${option} must be a function (next) => handler`,
      );
    }
  }
}
