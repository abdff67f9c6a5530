import type { WebSocketSession } from "./websocket/session.ts";

/** What every layer is: a request in, a response out. */
export type Handler = (request: Request, ctx: Context) => Promise<Response>;

/** What a route calls; it may answer synchronously. */
export type Endpoint = (request: Request, ctx: Context) => Response | Promise<Response>;

/** A wrapper around the next layer, composed once when the app is built. */
export type Middleware = (next: Handler) => Handler;

/** Per-request data shared by every layer. */
export interface Context {
  /** Path parameters, already converted (`{id:int}` → number). */
  params: Record<string, unknown>;
  /** Runtime bindings: Workers `env`, or what the adapter passes. */
  env: Record<string, unknown>;
  /** Keeps work alive after the response; a failure is reported, never lost. */
  waitUntil(promise: Promise<unknown>): void;
  /** Free space for middleware and endpoints. */
  state: Record<string, unknown>;
  /** The matched route's pattern, mount prefixes joined (`/api/users/{id:int}`), once routed. */
  route?: string | undefined;
  /** The request's id, once the `requestId()` middleware (or your own) set it. */
  requestId?: string | undefined;
  /** The URL's path as the client sent it, without the query (`/users/42`). */
  readonly path?: string;
}

/** Turns an exception into a response (HTTP) or acts on the socket (WebSocket). */
export type ExceptionHandler = (
  request: Request,
  // biome-ignore lint/suspicious/noExplicitAny: keyed by class, the exception type is the user's to narrow
  exc: any,
  ctx: Context,
) => Response | Promise<Response>;

/** A handler that acts on a WebSocket session: called with `(ws, exc)` for exceptions from a WebSocket endpoint. */
export type WebSocketExceptionHandler = (
  ws: WebSocketSession,
  // biome-ignore lint/suspicious/noExplicitAny: keyed by class, the exception type is the user's to narrow
  exc: any,
  ctx: Context,
) => void | Promise<void>;

/** Either kind; which one is called depends on where the exception came from. */
export type AnyExceptionHandler = ExceptionHandler | WebSocketExceptionHandler;

/** A WebSocket endpoint: a plain async function over a session. */
export type WebSocketEndpoint = (ws: WebSocketSession, ctx: Context) => void | Promise<void>;

/** Anything with a Workers-style `fetch`. */
export interface Fetchable {
  fetch(request: Request, env?: unknown, executionCtx?: unknown): Response | Promise<Response>;
}

/** The part of Workers' `ExecutionContext` edgelette uses; adapters provide one elsewhere. */
export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}
