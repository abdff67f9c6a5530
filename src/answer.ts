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

/** What a layer does with an error from the layer below, thrown or rejected. */
export type Recover<C extends Context = Context> = (
  error: unknown,
  request: Request,
  ctx: C,
) => Answer;

/** Re-throws: what a layer does with an error it cannot answer when the next layer out is unknown. */
export const rethrow: Recover = (error) => {
  throw error;
};

/**
 * The answer of the layer below, with `recover` for a later rejection. Each
 * layer calls the layer below in its own frame and `try`, then settles:
 * a helper in between would be one more frame in the stack of every error an
 * endpoint creates, and V8 (Node, Deno, workerd) records up to ten of them
 * at about 0.2 µs each (measured: \`new Error\` at depth 0 vs 9).
 */
export function settle<C extends Context>(
  answer: Answer,
  request: Request,
  ctx: C,
  recover: Recover<C>,
): Answer {
  if (answer instanceof Response) return answer;
  return Promise.resolve(answer).then(undefined, (error) => recover(error, request, ctx));
}
