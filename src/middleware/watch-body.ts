/**
 * Streamed bodies a 500 layer watches: an error raised midway is reported,
 * and the client sees a broken body, never a clean end (S-REP-2). Kept by
 * stream, not by response: a framework in between (Hono's `c.res`) may copy
 * the response around the same body.
 */
const watched = new WeakSet<ReadableStream>();

/** True when a 500 layer already watches this body: one layer inside another must not report twice. */
export function isWatched(response: Response): boolean {
  return response.body !== null && watched.has(response.body);
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
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (cancelled) return;
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        if (cancelled) return;
        onFailure(error);
        controller.error(asError(error));
      }
    },
    cancel(reason) {
      cancelled = true;
      return reader.cancel(reason).catch(() => {});
    },
  });
  watched.add(body);
  return new Response(body, response);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error("response body failed", { cause: error });
}
