import { runBackground } from "../background.ts";
import { asRequestContext, type ErrorSink, RequestContext } from "../context.ts";
import { tracebackResponse } from "../debug/traceback.ts";
import { ClientDisconnect, enableStackCapture } from "../exceptions.ts";
import type { HandlerKey, HandlerTable } from "../handler-table.ts";
import { consoleReporter, type ErrorReporter, reportOnce } from "../reporting.ts";
import { isBuffered, PlainTextResponse, takeBackground } from "../responses.ts";
import type {
  AnyExceptionHandler,
  Context,
  ExceptionHandler,
  Handler,
  WebSocketExceptionHandler,
} from "../types.ts";
import { createHandlerTable } from "./exceptions.ts";
import { callHandler, lookupHandler } from "./handle-exception.ts";
import { toHandler, type Wrappable } from "./to-handler.ts";

export interface ServerErrorMiddlewareOptions {
  /** Answers unhandled errors (the same as registering key `Error`). */
  handler?: ExceptionHandler;
  /** Answer unhandled errors with a traceback page instead of the handler. */
  debug?: boolean;
  /** Called once for every unhandled error; defaults to `console.error`. */
  onError?: ErrorReporter;
  /** @internal An app shares one table between its two layers. */
  table?: HandlerTable;
}

function safeServerError(): Response {
  return new PlainTextResponse("Internal Server Error", { status: 500 });
}

function notAResponse(value: unknown): TypeError {
  return new TypeError(`the 500 handler returned ${typeof value}, not a Response`);
}

/**
 * The outermost layer: every error that nothing handled becomes a safe 500
 * (or a traceback page in debug mode) here, and is reported.
 * @example export default new ServerErrorMiddleware(handler, { onError: log })
 */
export class ServerErrorMiddleware implements ErrorSink {
  readonly #next: Handler;
  readonly #table: HandlerTable;
  readonly #debug: boolean;
  readonly #onError: ErrorReporter;

  constructor(app: Wrappable, options: ServerErrorMiddlewareOptions = {}) {
    this.#next = toHandler(app);
    this.#table = options.table ?? createHandlerTable();
    if (options.handler) this.#table.add(Error, options.handler);
    this.#debug = options.debug ?? false;
    this.#onError = options.onError ?? consoleReporter;
    if (this.#debug) enableStackCapture();
  }

  /** Registers a handler; `500` and `Error` answer unhandled errors, other keys apply to what escapes. */
  addExceptionHandler(key: HandlerKey, handler: ExceptionHandler): void;
  addExceptionHandler(key: HandlerKey, handler: WebSocketExceptionHandler): void;
  addExceptionHandler(key: HandlerKey, handler: AnyExceptionHandler): void {
    this.#table.add(key, handler);
  }

  readonly handle: Handler = async (request: Request, ctx: Context) => {
    const context = asRequestContext(request, ctx);
    context.errorSink = this;
    let response: Response;
    try {
      response = await this.#next(request, context);
    } catch (error) {
      response = await this.#answer(request, error, context);
    }
    return this.#deliver(request, response, context);
  };

  readonly fetch = (request: Request, env?: unknown, executionCtx?: unknown): Promise<Response> =>
    this.handle(request, new RequestContext(request, env, executionCtx));

  report(error: unknown, request: Request, ctx: RequestContext): void {
    reportOnce(this.#onError, error, request);
    ctx.observeServerError(error);
  }

  /** A background failure is reported and shown to the 500 handler, whose response is discarded. */
  async backgroundFailed(error: unknown, request: Request, ctx: RequestContext): Promise<void> {
    this.report(error, request, ctx);
    await this.#callUnhandledHandler(request, error, ctx);
  }

  // 1. A client that went away is not a server error. 2. Handled exceptions
  //    thrown by middleware still get their handler (an auth 401 stays a 401).
  // 3. Everything else is reported, then answered by the 500 handler.
  async #answer(request: Request, error: unknown, ctx: RequestContext): Promise<Response> {
    if (error instanceof ClientDisconnect) return new Response(null, { status: 499 });
    const handler = lookupHandler(this.#table, error);
    if (handler) {
      try {
        return await callHandler(handler as ExceptionHandler, request, error, ctx);
      } catch (handlerError) {
        error = handlerError;
      }
    }
    // Reported before answering: the response hides the error from the client, not from us.
    this.report(error, request, ctx);
    if (this.#debug) return tracebackResponse(request, error);
    return (await this.#callUnhandledHandler(request, error, ctx)) ?? safeServerError();
  }

  /** The 500 handler's response, or undefined (after reporting why) when it fails. */
  async #callUnhandledHandler(
    request: Request,
    error: unknown,
    ctx: RequestContext,
  ): Promise<Response | undefined> {
    const handler = this.#table.forUnhandled();
    if (!handler) return undefined;
    try {
      const response = await handler(request, error, ctx);
      if (response instanceof Response) return response;
      this.report(notAResponse(response), request, ctx);
    } catch (handlerError) {
      this.report(handlerError, request, ctx);
    }
    return undefined;
  }

  /** Hands background tasks to `waitUntil`, and watches bodies that could fail midway. */
  #deliver(request: Request, response: Response, ctx: RequestContext): Response {
    const tasks = takeBackground(response);
    if (tasks) ctx.waitUntil(runBackground(tasks));
    if (isBuffered(response)) return response;
    return watchBody(response, (error) => this.report(error, request, ctx));
  }
}

/**
 * Passes a streamed body through, reporting an error raised midway. The
 * stream is errored, not closed, so the client sees a broken body. A client
 * that cancels is not a server error, so nothing after a cancel is reported.
 */
function watchBody(response: Response, onFailure: (error: unknown) => void): Response {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let cancelled = false;
  const watched = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (cancelled) return;
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        if (cancelled) return;
        onFailure(error);
        controller.error(error);
      }
    },
    cancel(reason) {
      cancelled = true;
      return reader.cancel(reason).catch(() => {});
    },
  });
  return new Response(watched, response);
}
