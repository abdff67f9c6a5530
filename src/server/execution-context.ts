import { SOURCE_READER, type SourceReader } from "../debug/source-reader.ts";
import { isResponse } from "../layer.ts";
import { serverErrorResponse } from "../middleware/unhandled.ts";
import { WEBSOCKET_UPGRADER, type WebSocketUpgrader } from "../websocket/transport.ts";

/** What the Deno, Bun and Node adapters' `serve()` accept. */
export interface ServeOptions {
  /** Default 8000; 0 picks a free port. */
  port?: number;
  /** Default "127.0.0.1". */
  hostname?: string;
  /** Aborting it closes the server, as `close()` does. */
  signal?: AbortSignal;
  /** How long `close()` waits for in-flight requests and background work, in ms. Default 10 000. */
  shutdownTimeout?: number;
  /**
   * How long the app may take to answer (until its `Response`, not the streamed
   * body), in ms; past it the client gets a 503 and the stuck request is
   * reported once. Default 30 000; 0 turns it off.
   */
  requestTimeout?: number;
  /** Env bindings passed to `app.fetch` (default: none; read the process env through `Config`). */
  env?: Record<string, unknown>;
  /** Reports failures of background work handed to `waitUntil` outside edgelette (mounted apps). */
  onError?: (error: unknown) => void;
}

/** What `serve()` returns on Deno, Bun and Node. */
export interface ServerHandle {
  readonly url: URL;
  readonly port: number;
  readonly hostname: string;
  /** Stops accepting, lets in-flight requests and background work finish (bounded), then resolves. */
  close(): Promise<void>;
}

/**
 * Background work started by requests, kept so that shutdown can wait for
 * it and no rejection goes unhandled.
 */
export class PendingWork {
  readonly #pending = new Set<Promise<unknown>>();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void = (error) => console.error("edgelette:", error)) {
    this.#onError = onError;
  }

  get size(): number {
    return this.#pending.size;
  }

  track(promise: Promise<unknown>): void {
    // One step, not `.then(…).finally(…)`: Node's server tracks every request here.
    const tracked: Promise<void> = Promise.resolve(promise).then(
      () => void this.#pending.delete(tracked),
      (error) => {
        this.#pending.delete(tracked);
        this.#onError(error);
      },
    );
    this.#pending.add(tracked);
  }

  /** Resolves true once everything finished, false if `timeout` ms passed first. */
  async drain(timeout: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeout);
    });
    try {
      while (this.#pending.size > 0) {
        const settled = Promise.allSettled([...this.#pending]).then(() => true as const);
        if (!(await Promise.race([settled, expired]))) return false;
      }
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Where the Deno, Bun and Node adapters report failures outside edgelette's layers. */
export function reporterFor(options: ServeOptions): (error: unknown) => void {
  return options.onError ?? ((error) => console.error("edgelette:", error));
}

/*
 * The one rule for what an app's `fetch` does wrong. An edgelette `App` never
 * throws or rejects; any other fetch handler may, and then the client gets a
 * plain 500 and the error is reported. Each adapter calls `app.fetch` in its
 * own request handler, inside a try, and hands the outcome here: a helper
 * calling `fetch` would be one more frame under every error a user's endpoint
 * creates or throws, and under `Deno.serve` each such frame measured 0.3–0.7 µs
 * per thrown error (wrk, a handler throwing at depth 0, 2, 4 and 8).
 */

/** What an adapter answers when `app.fetch` threw: the error reported, a plain 500. */
export function serverError(error: unknown, report: (error: unknown) => void): Response {
  report(error);
  return serverErrorResponse();
}

/**
 * The app's answer, with a later rejection turned into `serverError`. At once
 * when the app answered at once: Bun and Deno serve a returned `Response`
 * without waiting on a promise.
 */
export function orServerError(
  answer: Response | Promise<Response>,
  report: (error: unknown) => void,
): Response | Promise<Response> {
  if (isResponse(answer)) return answer;
  return Promise.resolve(answer).then(undefined, (error) => serverError(error, report));
}

/**
 * The execution context an adapter hands to `app.fetch`: `waitUntil` plus
 * WebSocket support. A class, so a request costs one small object rather than
 * an object and two closures; like Workers' own, its methods need their `this`.
 */
class ServerExecutionContext {
  readonly #work: PendingWork;
  readonly [WEBSOCKET_UPGRADER]: WebSocketUpgrader | undefined;
  /** How the debug page reads source files on this runtime. */
  readonly [SOURCE_READER]: SourceReader | undefined;

  constructor(
    work: PendingWork,
    upgrader: WebSocketUpgrader | undefined,
    sourceReader: SourceReader | undefined,
  ) {
    this.#work = work;
    this[WEBSOCKET_UPGRADER] = upgrader;
    this[SOURCE_READER] = sourceReader;
  }

  waitUntil(promise: Promise<unknown>): void {
    this.#work.track(promise);
  }

  passThroughOnException(): void {}
}

export function createExecutionContext(
  work: PendingWork,
  upgrader?: WebSocketUpgrader,
  sourceReader?: SourceReader,
) {
  return new ServerExecutionContext(work, upgrader, sourceReader);
}
