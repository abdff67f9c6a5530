import type { Answer, Layer, Recover } from "../answer.ts";
import { runBackground } from "../background.ts";
import { asRequestContext, type ErrorSink, RequestContext } from "../context.ts";
import { keepWholeStacks, tracebackResponse } from "../debug/traceback.ts";
import { enableStackCapture, isClientDisconnect } from "../exceptions.ts";
import type { HandlerKey, HandlerTable } from "../handler-table.ts";
import { consoleReporter, type ErrorReporter, reportOnce } from "../reporting.ts";
import { isBuffered, PlainTextResponse, takeBackground } from "../responses.ts";
import type {
  AnyExceptionHandler,
  Context,
  ExceptionHandler,
  WebSocketExceptionHandler,
} from "../types.ts";
import { createHandlerTable } from "./exceptions.ts";
import { callHandler, lookupHandler } from "./handle-exception.ts";
import { toLayer, type Wrappable } from "./to-handler.ts";

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

function notAResponse(value: unknown, who = "the 500 handler"): TypeError {
  return new TypeError(`${who} returned ${typeof value}, not a Response`);
}

/**
 * The outermost layer: every error that nothing handled becomes a safe 500
 * (or a traceback page in debug mode) here, and is reported.
 * @example export default new ServerErrorMiddleware(handler, { onError: log })
 */
export class ServerErrorMiddleware implements ErrorSink {
  readonly #next: Layer;
  readonly #table: HandlerTable;
  readonly #debug: boolean;
  readonly #onError: ErrorReporter;

  constructor(app: Wrappable, options: ServerErrorMiddlewareOptions = {}) {
    this.#next = toLayer(app);
    this.#table = options.table ?? createHandlerTable();
    if (options.handler) this.#table.add(Error, options.handler);
    this.#debug = options.debug ?? false;
    this.#onError = options.onError ?? consoleReporter;
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

  /**
   * Never throws and never rejects: every error below becomes a response
   * here. A later answer is settled and delivered in one step, not two: each
   * step is a promise and a turn of the microtask queue per request.
   */
  readonly handle: Layer = (request: Request, ctx: Context) => {
    const context = asRequestContext(request, ctx);
    context.errorSink = this;
    let answer: Answer;
    try {
      answer = this.#next(request, context);
    } catch (error) {
      return this.recoverAndDeliver(error, request, context);
    }
    return this.settleAndDeliver(answer, request, context);
  };

  /**
   * @internal What `handle` does once the layer below answered. An `App`
   * without outer middleware calls the layer below in its own `fetch` frame
   * and then this, so a user's endpoint sits one frame higher: under
   * `Deno.serve` each frame under a throw cost 0.3–0.7 µs (measured with wrk).
   */
  settleAndDeliver(answer: Answer, request: Request, ctx: RequestContext): Answer {
    if (answer instanceof Response) return this.#deliver(request, answer, ctx);
    return Promise.resolve(answer).then(
      (response) => this.#deliver(request, response, ctx),
      (error) => this.recoverAndDeliver(error, request, ctx),
    );
  }

  readonly fetch = async (request: Request, env?: unknown, executionCtx?: unknown) =>
    this.handle(request, new RequestContext(request, env, executionCtx));

  report(error: unknown, request: Request, ctx: RequestContext): void {
    reportOnce(this.#onError, error, request, ctx);
    ctx.observeServerError(error);
  }

  /** A background failure is reported and shown to the 500 handler, whose response is discarded. */
  async backgroundFailed(error: unknown, request: Request, ctx: RequestContext): Promise<void> {
    this.report(error, request, ctx);
    await this.#callUnhandledHandler(error, request, ctx);
  }

  /**
   * @internal What this layer does with an error from below: an exception
   * layer right inside hands its unhandled errors here instead of re-throwing.
   */
  readonly recover: Recover<RequestContext> = (error, request, ctx) =>
    this.#answer(error, request, ctx);

  /** @internal What `handle` does when the layer below threw. */
  recoverAndDeliver(error: unknown, request: Request, ctx: RequestContext): Answer {
    const answer = this.#answer(error, request, ctx);
    if (answer instanceof Response) return this.#deliver(request, answer, ctx);
    return answer.then((response) => this.#deliver(request, response, ctx));
  }

  // 1. A client that went away is not a server error. 2. Handled exceptions
  //    thrown by middleware still get their handler (an auth 401 stays a 401).
  // 3. Everything else is reported, then answered by the 500 handler.
  readonly #answer: Recover<RequestContext> = (error, request, ctx) => {
    const handler = isClientDisconnect(error) ? undefined : lookupHandler(this.#table, error);
    if (!handler) return this.recoverUnhandled(error, request, ctx);
    let answer: Answer;
    try {
      answer = callHandler(handler as ExceptionHandler, request, error, ctx);
    } catch (handlerError) {
      return this.#answerUnhandled(handlerError, request, ctx);
    }
    if (answer instanceof Response) return answer;
    return answer.then(undefined, (handlerError) =>
      this.#answerUnhandled(handlerError, request, ctx),
    );
  };

  /**
   * @internal `recover` for an error the exception layer right inside found no
   * handler for in the table both share: it is not looked up a second time.
   */
  readonly recoverUnhandled: Recover<RequestContext> = (error, request, ctx) => {
    if (isClientDisconnect(error)) return new Response(null, { status: 499 });
    return this.#answerUnhandled(error, request, ctx);
  };

  /** Reported before answering: the response hides the error from the client, not from us. */
  readonly #answerUnhandled: Recover<RequestContext> = (error, request, ctx) => {
    this.report(error, request, ctx);
    if (this.#debug) return tracebackResponse(request, error, ctx);
    return this.#callUnhandledHandler(error, request, ctx);
  };

  /** The 500 handler's response; the safe 500 (after reporting why) when there is none or it fails. */
  #callUnhandledHandler(error: unknown, request: Request, ctx: RequestContext): Answer {
    const handler = this.#table.forUnhandled();
    if (!handler) return safeServerError();
    let answer: unknown;
    try {
      answer = handler(request, error, ctx);
    } catch (handlerError) {
      return this.#unhandledHandlerFailed(handlerError, request, ctx);
    }
    if (answer instanceof Response) return answer;
    return Promise.resolve(answer).then(
      (response: unknown) =>
        response instanceof Response
          ? response
          : this.#unhandledHandlerFailed(notAResponse(response), request, ctx),
      (handlerError) => this.#unhandledHandlerFailed(handlerError, request, ctx),
    );
  }

  #unhandledHandlerFailed(handlerError: unknown, request: Request, ctx: RequestContext): Response {
    this.report(handlerError, request, ctx);
    return safeServerError();
  }

  /**
   * Hands background tasks to `waitUntil`, and watches bodies that could fail
   * midway. Whatever came back must be a `Response` (middleware can get it wrong).
   */
  #deliver(request: Request, response: unknown, ctx: RequestContext): Answer {
    if (!(response instanceof Response)) {
      return this.#answerUnhandled(notAResponse(response, "the handler"), request, ctx);
    }
    const tasks = takeBackground(response);
    if (tasks) ctx.waitUntil(runBackground(tasks));
    if (isBuffered(response)) return response;
    try {
      return watchBody(response, (error) => this.report(error, request, ctx));
    } catch (error) {
      // A body already read or locked cannot be sent: a bug, answered as one.
      return this.#answerUnhandled(error, request, ctx);
    }
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
