import { notifyContinues, type RequestObserver } from "./observe.ts";
import type { FailureKind, ReportLedger } from "./reporting.ts";
import { rawPathOf } from "./routing/request-path.ts";
import type { Context, ExecutionContextLike } from "./types.ts";

/**
 * Lets a test client see unhandled errors the 500 layer answered, so it can
 * re-throw them (`raiseServerExceptions`). Set on the execution context.
 */
export const SERVER_ERROR_OBSERVER = Symbol.for("edgelette.serverErrorObserver");

type ObservedExecutionContext = ExecutionContextLike & {
  [SERVER_ERROR_OBSERVER]?: (error: unknown) => void;
};

/** The 500 layer, as seen by work that fails after the response: background tasks, sockets. */
export interface ServerErrorSink {
  report(error: unknown, request: Request, ctx: RequestContext, kind?: FailureKind): void;
  backgroundFailed(error: unknown, request: Request, ctx: RequestContext): Promise<void>;
}

/**
 * What edgelette keeps on a request's context beyond routing, made on first
 * use: most requests report nothing, have no observer and no upstream, and
 * an object per request cost `GET /` about 3% on Bun and 6% on Deno. These
 * must outlive a call: work after the response (background tasks, WebSocket
 * endpoints) reports to the 500 layer that served it, once per error: the
 * ledger it extends holds what was reported for this request.
 */
export interface RequestInternals extends ReportLedger {
  /** Who follows this request beyond its response (tracing); see `observeRequest`. */
  observers: RequestObserver[] | undefined;
  /** Waiting on a mounted fetch handler (an upstream): a timeout then answers 504, not 503. */
  upstream: boolean;
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
  /** @internal */
  readonly executionCtx: ObservedExecutionContext | undefined;
  /** The matched route's pattern, mount prefixes joined (`/api/users/{id:int}`); undefined before routing or on a miss. */
  route: string | undefined = undefined;
  /** This request's id, once the `requestId()` middleware (or your own) set it. */
  requestId: string | undefined = undefined;
  /** @internal The innermost 500 layer serving this request. */
  serverErrors: ServerErrorSink | undefined;
  /**
   * @internal The path still to route once a `Mount` took its prefix (undefined: the
   * URL's path), and the prefixes of the mounts passed so far, joined: `ctx.route`'s start.
   * Fields of their own, as the router reads them on every request.
   */
  mountedPath: string | undefined = undefined;
  /** @internal See `mountedPath`. */
  mountPrefix = "";
  #internal: RequestInternals | undefined;

  constructor(
    request: Request,
    env?: unknown,
    executionCtx?: unknown,
    serverErrors?: ServerErrorSink,
  ) {
    this.request = request;
    this.env = (env ?? NO_ENV) as Record<string, unknown>;
    this.executionCtx = isExecutionContext(executionCtx) ? executionCtx : undefined;
    this.serverErrors = serverErrors;
  }

  /** @internal See `RequestInternals`. */
  get internal(): RequestInternals {
    this.#internal ??= {
      firstReported: undefined,
      moreReported: undefined,
      observers: undefined,
      upstream: false,
    };
    return this.#internal;
  }

  /** The URL's path as the client sent it, without the query: for log lines, read on demand. */
  get path(): string {
    return rawPathOf(this.request.url);
  }

  get params(): Record<string, unknown> {
    this.#params ??= {};
    return this.#params;
  }

  set params(params: Record<string, unknown>) {
    this.#params = params;
  }

  /** @internal A route without parameters matched: `params` is made on first read. */
  clearParams(): void {
    this.#params = undefined;
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
    notifyContinues(this.internal, guarded);
  }

  /** Tells the test client (if any) that the 500 layer answered `error`. */
  observeServerError(error: unknown): void {
    this.executionCtx?.[SERVER_ERROR_OBSERVER]?.(error);
  }

  #failed(error: unknown): Promise<void> | void {
    const { serverErrors } = this;
    if (serverErrors) return serverErrors.backgroundFailed(error, this.request, this);
    // No 500 layer (a bare router): still report, so nothing is lost.
    console.error("edgelette: background task failed", error);
  }
}

function isExecutionContext(value: unknown): value is ObservedExecutionContext {
  return typeof (value as ExecutionContextLike | undefined)?.waitUntil === "function";
}

/** The edgelette context behind `ctx`, or a fresh one when a caller passed its own object. */
export function asRequestContext(
  request: Request,
  ctx: Context | undefined,
  serverErrors?: ServerErrorSink,
): RequestContext {
  if (ctx instanceof RequestContext) {
    if (serverErrors) ctx.serverErrors = serverErrors;
    return ctx;
  }
  const forward = ctx && { waitUntil: (promise: Promise<unknown>) => ctx.waitUntil(promise) };
  const created = new RequestContext(request, ctx?.env, forward, serverErrors);
  if (ctx) {
    created.params = ctx.params;
    created.state = ctx.state;
    created.requestId = ctx.requestId;
  }
  return created;
}
