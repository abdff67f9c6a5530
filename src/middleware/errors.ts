import { runBackground, takeBackground } from "../background.ts";
import { isBuffered } from "../buffered-response.ts";
import { asRequestContext, RequestContext } from "../context.ts";
import { keepWholeStacks, tracebackResponse } from "../debug/traceback.ts";
import { enableStackCapture } from "../error-base.ts";
import { isClientDisconnect, isHTTPException } from "../exceptions.ts";
import type { HandlerKey, HandlerTable } from "../handler-table.ts";
import { type Answer, isResponse, type Layer } from "../layer.ts";
import { notifyReported } from "../observe.ts";
import {
  consoleReporter,
  type ErrorReporter,
  type FailureKind,
  infoOf,
  reportOnce,
} from "../reporting.ts";
import { Deadlines } from "../server/deadline.ts";
import { firstChunk, isUnstarted, type PulledResponse } from "../streaming.ts";
import type { AnyExceptionHandler, ExceptionHandler, WebSocketExceptionHandler } from "../types.ts";
import { createHandlerTable } from "./default-handlers.ts";
import { below, type Outcome } from "./exceptions.ts";
import { handle } from "./handle.ts";
import type { Wrappable } from "./to-layer.ts";
import { callUnhandledHandler, notAResponse, serverErrorResponse } from "./unhandled.ts";
import { bodyFinished, isWatched, watchBody } from "./watch-body.ts";

export interface ServerErrorMiddlewareOptions {
  /** Answers unhandled errors (the same as registering key `Error`). */
  handler?: ExceptionHandler;
  /** Answer unhandled errors with a traceback page instead of the handler. */
  debug?: boolean;
  /** Called once for every unhandled error; defaults to `console.error`. */
  onError?: ErrorReporter;
  /**
   * Answer 503 (504 while a mounted fetch handler holds the request) when no
   * answer came within this many ms, and report the stuck request once with
   * its route. Off (0) by default; `serve()` has its own, 30 s by default.
   */
  requestTimeout?: number;
  /** @internal An app shares one table between its two layers. */
  table?: HandlerTable;
}

/**
 * The outermost layer: every error that nothing handled becomes a safe 500
 * (or a traceback page in debug mode) here, and is reported. Handled
 * exceptions that reach it (thrown by middleware) still get their handler.
 * Right around a router, it is both exception layers in one: one `try`.
 * @example export default new ServerErrorMiddleware(handler, { onError: log })
 */
// It is the request's `ServerErrorSink` by shape: the members are internal, so no `implements`
// in the published types, which would name members the types no longer have.
export class ServerErrorMiddleware {
  readonly #next: (request: Request, ctx: RequestContext) => Outcome;
  readonly #table: HandlerTable;
  readonly #debug: boolean;
  readonly #onError: ErrorReporter;
  readonly #deadlines: Deadlines | undefined;

  constructor(app: Wrappable, options: ServerErrorMiddlewareOptions = {}) {
    this.#table = options.table ?? createHandlerTable();
    if (options.handler) this.#table.add(Error, options.handler);
    this.#next = below(app, this.#table);
    this.#debug = options.debug ?? false;
    this.#onError = options.onError ?? consoleReporter;
    const timeout = options.requestTimeout ?? 0;
    this.#deadlines =
      timeout === 0 ? undefined : new Deadlines(timeout, () => {}, { timerPerRequest: true });
    if (this.#debug) {
      enableStackCapture();
      keepWholeStacks();
    }
  }

  /** Registers a handler; `500` and `Error` answer unhandled errors, other keys apply to what escapes. */
  addExceptionHandler(key: HandlerKey, handler: ExceptionHandler): void;
  addExceptionHandler(key: HandlerKey, handler: WebSocketExceptionHandler): void;
  addExceptionHandler(key: HandlerKey, handler: AnyExceptionHandler): void {
    this.#table.add(key, handler);
  }

  /** The Fetch-API entry point. Never throws, never rejects; answers at once when it can. */
  readonly fetch = (request: Request, env?: unknown, executionCtx?: unknown): Answer => {
    const ctx = new RequestContext(request, env, executionCtx, this);
    let answer: Answer;
    try {
      answer = this.#settle(this.#next(request, ctx), request, ctx);
    } catch (error) {
      answer = this.#recover(error, request, ctx);
    }
    return this.#deadlines === undefined ? answer : this.#inTime(answer, request, ctx);
  };

  /** The same, as a layer inside another (a mounted app, outer middleware). */
  readonly handle: Layer = (request, ctx) => {
    const context = asRequestContext(request, ctx, this);
    try {
      return this.#settle(this.#next(request, context), request, context);
    } catch (error) {
      return this.#recover(error, request, context);
    }
  };

  /**
   * @internal The one reporting point: each unhandled error once per request,
   * to `onError`, then to the request's observers (a tracing span records it here).
   */
  report(error: unknown, request: Request, ctx: RequestContext, kind: FailureKind = "request") {
    const info = infoOf(kind, ctx);
    // An asynchronous report outlives the response only where the runtime is told to wait (Workers).
    if (reportOnce(this.#onError, error, request, ctx.internal, info, ctx.executionCtx)) {
      notifyReported(ctx.internal, error, info);
    }
    ctx.observeServerError(error);
  }

  /** @internal A background failure is reported and shown to the 500 handler, whose response is discarded (S-BG-2). */
  async backgroundFailed(error: unknown, request: Request, ctx: RequestContext): Promise<void> {
    this.report(error, request, ctx, "background");
    await this.#callUnhandledHandler(error, request, ctx, "background");
  }

  /** The answer, or a 503/504 at the deadline, the stuck request reported once with its route. */
  #inTime(answer: Answer, request: Request, ctx: RequestContext): Answer {
    const stuck = () => ({ route: ctx.route, upstream: ctx.internal.upstream });
    const report = (error: unknown) => this.report(error, request, ctx);
    return (this.#deadlines as Deadlines).guard(request, answer, stuck, report);
  }

  /** The layer below answered (or missed, or promised): send it, or recover from its error. */
  #settle(outcome: Outcome, request: Request, ctx: RequestContext): Answer {
    if (isResponse(outcome)) return this.#send(outcome, request, ctx);
    if (isHTTPException(outcome)) return this.#recover(outcome, request, ctx);
    return outcome.then(
      (response) => this.#send(response, request, ctx),
      (error) => this.#recover(error, request, ctx),
    );
  }

  // 1. A handled exception gets its handler (an auth 401 from middleware stays a 401).
  // 2. Everything else, and a handler that fails, is an unhandled error.
  #recover(error: unknown, request: Request, ctx: RequestContext): Answer {
    let answer: Answer | undefined;
    try {
      answer = handle(this.#table, error, request, ctx);
    } catch (handlerError) {
      return this.#unhandled(handlerError, request, ctx);
    }
    if (answer === undefined) return this.#unhandled(error, request, ctx);
    if (isResponse(answer)) return this.#send(answer, request, ctx);
    return answer.then(
      (response) => this.#send(response, request, ctx),
      (handlerError) => this.#unhandled(handlerError, request, ctx),
    );
  }

  /** Reported before answering: the response hides the error from the client, not from us. */
  #unhandled(error: unknown, request: Request, ctx: RequestContext): Answer {
    // A client that went away is not a server error (S-REP-3); nobody reads the answer.
    if (isClientDisconnect(error)) return new Response(null, { status: 499 });
    this.report(error, request, ctx);
    const answer = this.#debug
      ? this.#traceback(error, request, ctx)
      : this.#callUnhandledHandler(error, request, ctx);
    if (isResponse(answer)) return this.#send(answer, request, ctx);
    return answer.then((response) => this.#send(response, request, ctx));
  }

  #callUnhandledHandler(
    error: unknown,
    request: Request,
    ctx: RequestContext,
    kind: FailureKind = "request",
  ): Answer {
    return callUnhandledHandler(this.#table, error, request, ctx, this, kind);
  }

  #traceback(error: unknown, request: Request, ctx: RequestContext): Response {
    try {
      return tracebackResponse(request, error, ctx);
    } catch (pageError) {
      this.report(pageError, request, ctx);
      return serverErrorResponse();
    }
  }

  /**
   * Hands background tasks to `waitUntil`, and watches bodies that could fail
   * midway. Whatever came back must be a `Response` (middleware can get it wrong).
   */
  #send(response: unknown, request: Request, ctx: RequestContext): Answer {
    if (!isResponse(response)) {
      return this.#unhandled(notAResponse(response, "the handler"), request, ctx);
    }
    let sent = response;
    if (!isBuffered(response) && !isWatched(response)) {
      if (isUnstarted(response)) return this.#sendStarted(response, request, ctx);
      try {
        sent = watchBody(response, (error) => this.report(error, request, ctx, "stream"));
      } catch (error) {
        // A body already read or locked cannot be sent: a bug, answered as one.
        return this.#unhandled(error, request, ctx);
      }
    }
    // Background work starts once the response is handed over: for a stream, once it ended.
    const tasks = takeBackground(response);
    if (tasks) ctx.waitUntil(runBackground(tasks, bodyFinished(sent)));
    return sent;
  }

  /** A streamed response no route started (middleware made it): its first chunk first (S-STR-1). */
  #sendStarted(response: PulledResponse<unknown>, request: Request, ctx: RequestContext): Answer {
    return firstChunk(response).then(
      (started) => this.#send(started, request, ctx),
      (error) => this.#recover(error, request, ctx),
    );
  }
}
