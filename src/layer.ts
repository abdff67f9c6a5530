import type { Context } from "./types.ts";

/**
 * A response now, or a promise of one. edgelette's own layers answer
 * synchronously when nothing had to wait: each async layer would cost a
 * promise and a microtask turn per request, and a handled exception should
 * cost about what a return does (S-EXC-6).
 */
export type Answer = Response | Promise<Response>;

/** A layer as edgelette composes it internally. The public `Handler` is its promise-only form. */
export type Layer = (request: Request, ctx: Context) => Answer;
