import { type Answer, type Layer, type Recover, rethrow, settle } from "../answer.ts";
import { RequestContext } from "../context.ts";
import {
  enableStackCapture,
  HTTPException,
  isHTTPException,
  WebSocketException,
} from "../exceptions.ts";
import { type HandlerEntries, type HandlerKey, HandlerTable } from "../handler-table.ts";
import { JSONResponse, PlainTextResponse } from "../responses.ts";
import { Route } from "../routing/route.ts";
import { Router } from "../routing/router.ts";
import type {
  AnyExceptionHandler,
  Context,
  ExceptionHandler,
  WebSocketExceptionHandler,
} from "../types.ts";
import { WebSocketSession } from "../websocket/session.ts";
import { handleException } from "./handle-exception.ts";
import { toLayer, type Wrappable } from "./to-handler.ts";

const NO_BODY_STATUSES = new Set([204, 304]);

/**
 * The default answer to an `HTTPException`: the detail as plain text, or as
 * JSON `{"detail": …}` when it is not a string, plus the exception's headers.
 */
export function httpExceptionResponse(_request: Request, exc: HTTPException): Response {
  const { statusCode: status, detail } = exc;
  if (NO_BODY_STATUSES.has(status)) return new Response(null, { status, headers: exc.headers });
  const response =
    typeof detail === "string"
      ? new PlainTextResponse(detail, { status })
      : new JSONResponse({ detail }, { status });
  // Headers the exception carries win, content headers included.
  exc.headers?.forEach((value, name) => {
    response.headers.set(name, value);
  });
  return response;
}

/**
 * The default for a `WebSocketException`: close with its code and reason. Thrown
 * outside a WebSocket endpoint it is a bug, so it goes on to the 500 layer.
 */
export function closeWithWebSocketException(target: unknown, exc: WebSocketException): void {
  if (!(target instanceof WebSocketSession)) throw exc;
  target.close(exc.code, exc.reason);
}

/** A table holding the defaults, then the user's entries (which replace them). */
export function createHandlerTable(entries?: HandlerEntries): HandlerTable {
  const table = new HandlerTable();
  table.add(HTTPException, httpExceptionResponse as ExceptionHandler);
  table.add(WebSocketException, closeWithWebSocketException as WebSocketExceptionHandler);
  if (entries) table.addAll(entries);
  return table;
}

export interface ExceptionMiddlewareOptions {
  handlers?: HandlerEntries;
  /** Keeps stack traces on handled exceptions (they are skipped otherwise, for speed). */
  debug?: boolean;
  /** @internal An app shares one table between its two layers. */
  table?: HandlerTable;
  /**
   * @internal What the 500 layer does with an error, when nothing sits between
   * it and this layer: such errors go straight to it instead of being re-thrown.
   */
  escalate?: Recover;
  /** @internal As `escalate`, for errors the shared table has no handler for. */
  escalateUnhandled?: Recover;
}

/**
 * The handled-exception layer: turns `HTTPException`s and exceptions with a
 * registered handler into responses; re-throws everything else.
 * @example export default new ExceptionMiddleware(handler, { handlers: { 404: notFound } })
 */
export class ExceptionMiddleware {
  readonly #next: Layer;
  /**
   * The router right inside, if it is one: it returns its 404/405 instead of
   * throwing them, and the route it matched, whose endpoint runs in this frame.
   */
  readonly #router: Router | undefined;
  readonly #table: HandlerTable;
  readonly #escalate: Recover;
  readonly #escalateUnhandled: Recover;

  constructor(app: Wrappable, options: ExceptionMiddlewareOptions = {}) {
    this.#next = toLayer(app);
    this.#router = app instanceof Router ? app : undefined;
    this.#table = options.table ?? createHandlerTable(options.handlers);
    this.#escalate = options.escalate ?? rethrow;
    this.#escalateUnhandled = options.escalateUnhandled ?? this.#escalate;
    if (options.debug) enableStackCapture();
  }

  addExceptionHandler(key: HandlerKey, handler: ExceptionHandler): void;
  addExceptionHandler(key: HandlerKey, handler: WebSocketExceptionHandler): void;
  addExceptionHandler(key: HandlerKey, handler: AnyExceptionHandler): void {
    this.#table.add(key, handler);
  }

  readonly handle: Layer = (request: Request, ctx: Context) => {
    if (ctx instanceof RequestContext) ctx.exceptionTable = this.#table;
    let answer: Answer | HTTPException;
    try {
      if (this.#router) {
        const target = this.#router.dispatch(request, ctx);
        answer =
          target instanceof Route ? target.finish(request, target.endpoint(request, ctx)) : target;
      } else {
        answer = this.#next(request, ctx);
      }
    } catch (exc) {
      return this.#recover(exc, request, ctx);
    }
    if (answer instanceof Response) return answer;
    // Only the router answers with an exception: the 404 or 405 it raised.
    if (this.#router && isHTTPException(answer)) return this.#recover(answer, request, ctx);
    return settle(answer as Answer, request, ctx, this.#recover);
  };

  /** Workers-style entry point; rejects with what no handler takes. */
  readonly fetch = async (request: Request, env?: unknown, executionCtx?: unknown) =>
    this.handle(request, new RequestContext(request, env, executionCtx));

  readonly #recover: Recover = (exc, request, ctx) =>
    handleException(this.#table, request, exc, ctx, this.#escalate, this.#escalateUnhandled);
}
