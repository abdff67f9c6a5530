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

/** Calls `next`; an error, thrown at once or rejected later, goes to `recover`. */
export function guarded<C extends Context>(
  next: Layer,
  request: Request,
  ctx: C,
  recover: Recover<C>,
): Answer {
  let answer: Answer;
  try {
    answer = next(request, ctx);
  } catch (error) {
    return recover(error, request, ctx);
  }
  if (answer instanceof Response) return answer;
  return Promise.resolve(answer).then(undefined, (error) => recover(error, request, ctx));
}

/** Applies `then` to the response, now or once it arrives. */
export function andThen(answer: Answer, then: (response: Response) => Answer): Answer {
  return answer instanceof Response ? then(answer) : answer.then(then);
}
