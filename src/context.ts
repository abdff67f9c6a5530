import type { HandlerTable } from "./handler-table.ts";
import type { Context, ExecutionContextLike } from "./types.ts";
import type { WebSocketSession } from "./websocket/session.ts";

/**
 * Lets a test client see unhandled errors the 500 layer answered, so it can
 * re-throw them (`raiseServerExceptions`). Set on the execution context.
 */
export const SERVER_ERROR_OBSERVER = Symbol.for("edgelette.serverErrorObserver");

type ObservedExecutionContext = ExecutionContextLike & {
  [SERVER_ERROR_OBSERVER]?: (error: unknown) => void;
};

/** What the innermost 500 layer lends the request, for errors that happen after the response. */
export interface ErrorSink {
  report(error: unknown, request: Request, ctx: RequestContext): void;
  backgroundFailed(error: unknown, request: Request, ctx: RequestContext): Promise<void>;
}

// In-process calls pass no env: one frozen empty object serves them all.
const NO_ENV: Record<string, unknown> = Object.freeze({});

/** The `Context` edgelette creates for each request. */
export class RequestContext implements Context {
  // Created on first use: most requests never touch `state`, and the router replaces `params`.
  #params: Record<string, unknown> | undefined;
  #state: Record<string, unknown> | undefined;
  readonly env: Record<string, unknown>;
  readonly request: Request;
  readonly executionCtx: ObservedExecutionContext | undefined;
  /** @internal The path still to route; a `Mount` strips its prefix here. */
  routePath: string | undefined = undefined;
  /** @internal The innermost 500 layer handling this request. */
  errorSink: ErrorSink | undefined = undefined;
  /** @internal The innermost handler table, for WebSocket errors after the handshake. */
  exceptionTable: HandlerTable | undefined = undefined;
  /** @internal The session, when this request is a WebSocket upgrade being served. */
  webSocket: WebSocketSession | undefined = undefined;
  /** @internal What the 500 layers reported for this request, so each error is reported once. */
  reportedErrors: unknown[] | undefined = undefined;

  constructor(request: Request, env?: unknown, executionCtx?: unknown) {
    this.request = request;
    this.env = (env ?? NO_ENV) as Record<string, unknown>;
    this.executionCtx = isExecutionContext(executionCtx) ? executionCtx : undefined;
  }

  get params(): Record<string, unknown> {
    this.#params ??= {};
    return this.#params;
  }

  set params(params: Record<string, unknown>) {
    this.#params = params;
  }

  get state(): Record<string, unknown> {
    this.#state ??= {};
    return this.#state;
  }

  set state(state: Record<string, unknown>) {
    this.#state = state;
  }

  waitUntil(promise: Promise<unknown>): void {
    const guarded = Promise.resolve(promise).then(undefined, (error) => this.#failed(error));
    this.executionCtx?.waitUntil(guarded);
  }

  /** Tells the test client (if any) that the 500 layer answered `error`. */
  observeServerError(error: unknown): void {
    this.executionCtx?.[SERVER_ERROR_OBSERVER]?.(error);
  }

  #failed(error: unknown): Promise<void> | void {
    if (this.errorSink) return this.errorSink.backgroundFailed(error, this.request, this);
    // No 500 layer (a bare router): still report, so nothing is lost.
    console.error("edgelette: background task failed", error);
  }
}

function isExecutionContext(value: unknown): value is ObservedExecutionContext {
  return typeof (value as ExecutionContextLike | undefined)?.waitUntil === "function";
}

/** The edgelette context behind `ctx`, or a fresh one when a caller passed its own object. */
export function asRequestContext(request: Request, ctx: Context | undefined): RequestContext {
  if (ctx instanceof RequestContext) return ctx;
  const forward = ctx && { waitUntil: (promise: Promise<unknown>) => ctx.waitUntil(promise) };
  const created = new RequestContext(request, ctx?.env, forward);
  if (ctx) {
    created.params = ctx.params;
    created.state = ctx.state;
  }
  return created;
}
