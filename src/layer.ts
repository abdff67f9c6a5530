import type { Context } from "./types.ts";

/**
 * A response now, or a promise of one. edgelette's own layers answer
 * synchronously when nothing had to wait: each async layer would cost a
 * promise and a microtask turn per request, and a handled exception should
 * cost about what a return does (S-EXC-6).
 */
export type Answer = Response | Promise<Response>;

// Deno puts `Response` and `Request` on the global object as accessors, so every
// mention calls a getter: `instanceof Response` cost 17 ns there against 7 ns for
// a binding read once (a loop of 10^7), and an answer is checked four times on
// its way out. Node and Bun define plain values; the bindings cost them nothing.
const FetchResponse = Response;
const FetchRequest = Request;

/** True for a `Response`: an answer ready now, or what a handler must return. */
export function isResponse(value: unknown): value is Response {
  return value instanceof FetchResponse;
}

/** True for an HTTP request, as against the WebSocket session a handler may be given. */
export function isRequest(value: unknown): value is Request {
  return value instanceof FetchRequest;
}

/** A layer as edgelette composes it internally. The public `Handler` is its promise-only form. */
export type Layer = (request: Request, ctx: Context) => Answer;
