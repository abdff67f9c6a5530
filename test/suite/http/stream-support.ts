/** Helpers for the streaming suites: gates a test opens, and waiting with a deadline. */

/** A promise the test resolves when it chooses; `abandon` rejects it from a signal. */
export interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

export function gate(signal?: AbortSignal): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve, reject) => {
    open = resolve;
    signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  return { opened, open };
}

/** Resolves after `ms`, or rejects at once when `signal` aborts (the timer is cleared). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", stop);
      resolve();
    }
    function stop() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    if (signal?.aborted) return stop();
    signal?.addEventListener("abort", stop, { once: true });
  });
}

/** Lets several macrotasks run: anything that would run ahead has had its chance. */
export async function idle(turns = 5): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Polls `check` every 10 ms until it holds; fails after `ms` (a bound, not a speed claim). */
export async function eventually(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const decoder = new TextDecoder();

/** Reads one chunk of `reader` as text; fails if the body ended. */
export async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const { done, value } = await reader.read();
  if (done) throw new Error("the body ended early");
  return decoder.decode(value);
}

/** A producer whose data source fails before anything is yielded (a query that throws). */
export function failsBeforeFirst(error: unknown): () => AsyncGenerator<string> {
  return async function* () {
    const rows: string[] = await sleep(1).then(() => Promise.reject(error));
    yield* rows;
  };
}
