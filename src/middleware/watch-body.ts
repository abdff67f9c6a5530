import { isBuffered } from "../buffered-response.ts";

/**
 * Streamed bodies a 500 layer watches: an error raised midway is reported,
 * and the client sees a broken body, never a clean end (S-REP-2). Kept by
 * stream, not by response: a framework in between (Hono's `c.res`) may copy
 * the response around the same body. Each maps to when it finished.
 */
const watched = new WeakMap<ReadableStream, Promise<void>>();

/** True when a 500 layer already watches this body: one layer inside another must not report twice. */
export function isWatched(response: Response): boolean {
  return response.body !== null && watched.has(response.body);
}

/**
 * Resolves once the body is sent, failed, or cancelled by the client; at once
 * for a body that is not watched (complete when the response is). Background
 * tasks and tracing spans wait for it, not for the handler's return.
 */
export function bodyFinished(response: Response): Promise<void> {
  // Never watched; asked first, as asking for the body would build the stream edgelette/node defers.
  if (isBuffered(response)) return Promise.resolve();
  return (response.body && watched.get(response.body)) ?? Promise.resolve();
}

/**
 * Passes a streamed body through, reporting an error raised midway. The
 * stream is errored, not closed. It is errored with an `Error` whatever was
 * thrown: Deno's server crashes on a stream errored with anything else. A
 * client that cancels is not a server error, so nothing after a cancel is reported.
 */
export function watchBody(response: Response, onFailure: (error: unknown) => void): Response {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let cancelled = false;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (cancelled) return;
        if (!done) return controller.enqueue(value);
        controller.close();
      } catch (error) {
        if (cancelled) return;
        onFailure(error);
        controller.error(asError(error));
      }
      finish();
    },
    cancel(reason) {
      cancelled = true;
      finish();
      return reader.cancel(reason).catch(() => {});
    },
  });
  watched.set(body, finished);
  return new Response(body, response);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error("response body failed", { cause: error });
}
