import { withBackground } from "./background.ts";
import type { EdgeletteResponseInit } from "./responses.ts";

/**
 * Responses whose body an async iterable produces, one chunk per pull: the
 * producer runs only as fast as the client reads (a slow client holds the
 * generator at its `yield`). The route that returns one waits for its first
 * chunk before anything is sent, so an error before it takes the normal
 * exception path (S-STR-1); later errors abort the body (S-REP-2).
 */

/** What a streamed body is made from: an async iterable, or a function given a signal that aborts when the client leaves. */
export type ChunkSource<T> =
  | AsyncIterable<T>
  | Iterable<T>
  | ((signal: AbortSignal) => AsyncIterable<T>);

/** How a pump turns what the producer yields into bytes, and what it adds of its own. */
export interface PumpOptions<T> {
  encode(value: T): Uint8Array;
  /** Sent when the producer has been idle this long (ms), while the client waits. */
  heartbeat?: { interval: number; chunk: Uint8Array };
  /** A last chunk to send after an error midway, before the body is aborted. */
  lastWords?(error: unknown): Uint8Array | undefined;
}

const HEARTBEAT = Symbol("heartbeat");
type Step<T> = IteratorResult<T, unknown>;

/**
 * The body's underlying source. `#step` is the one iterator step asked for
 * and not yet delivered: never more than one, which is the backpressure.
 */
class Pump<T> implements UnderlyingDefaultSource<Uint8Array> {
  readonly #iterator: AsyncIterator<T> | Iterator<T>;
  readonly #options: PumpOptions<T>;
  readonly #aborter: AbortController;
  #step: Promise<Step<T>> | undefined;
  #first: Promise<Uint8Array | undefined> | undefined;
  #priming: Promise<void> | undefined;
  /** A chunk exists: the status goes out with it, so later errors can only abort. */
  #committed = false;
  #failure: { error: unknown } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(source: ChunkSource<T>, options: PumpOptions<T>) {
    this.#aborter = new AbortController();
    this.#options = options;
    const iterable = typeof source === "function" ? source(this.#aborter.signal) : source;
    this.#iterator = iterate(iterable);
  }

  /**
   * Produces the first chunk without sending it; rejects with what the
   * producer threw. Once. (Not `start`: a stream calls that at construction.)
   */
  prime(): Promise<void> {
    if (this.#priming === undefined) {
      const first = this.#produce();
      this.#first = first;
      this.#priming = first.then(() => {});
    }
    return this.#priming;
  }

  /** Whether `prime` was called (by a route, or by the 500 layer for a response no route saw). */
  get primed(): boolean {
    return this.#priming !== undefined;
  }

  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    const next = this.#first ?? this.#produce();
    this.#first = undefined;
    const chunk = await next;
    if (chunk === undefined) controller.close();
    else controller.enqueue(chunk);
  }

  /** The client left: the producer's `finally` runs (`return()`) and its signal aborts. */
  cancel(reason?: unknown): void {
    clearTimeout(this.#timer);
    this.#aborter.abort(reason);
    Promise.resolve(this.#iterator.return?.()).catch(() => {});
  }

  async #produce(): Promise<Uint8Array | undefined> {
    if (this.#failure) {
      // The last words went to the runtime just now. Bun drops writes it has
      // not flushed when a body errors, so they get one macrotask to leave.
      await new Promise((resolve) => setTimeout(resolve, 0));
      throw this.#failure.error;
    }
    try {
      this.#step ??= Promise.resolve(this.#iterator.next());
      const step = this.#step;
      const result = this.#options.heartbeat ? await this.#orHeartbeat(step) : await step;
      if (result === HEARTBEAT) return this.#heartbeat();
      this.#step = undefined;
      if (result.done) return undefined;
      const chunk = this.#options.encode(result.value);
      this.#committed = true;
      return chunk;
    } catch (error) {
      this.#step = undefined;
      return this.#failed(error);
    }
  }

  #heartbeat(): Uint8Array {
    this.#committed = true; // a heartbeat commits the response like any chunk
    return (this.#options.heartbeat as { chunk: Uint8Array }).chunk;
  }

  /** The step, or `HEARTBEAT` if it takes longer than the interval (the step stays pending). */
  #orHeartbeat(step: Promise<Step<T>>): Promise<Step<T> | typeof HEARTBEAT> {
    const { interval } = this.#options.heartbeat as { interval: number };
    const idle = new Promise<typeof HEARTBEAT>((resolve) => {
      this.#timer = setTimeout(resolve, interval, HEARTBEAT);
    });
    return Promise.race([step, idle]).finally(() => clearTimeout(this.#timer));
  }

  // 1. Before the first chunk: rethrown, so the route's error path answers it.
  // 2. After it: the body is aborted, after one last chunk if the response has one.
  #failed(error: unknown): Uint8Array {
    if (!this.#committed || !this.#options.lastWords) throw error;
    this.#failure = { error };
    let last: Uint8Array | undefined;
    try {
      last = this.#options.lastWords(error);
    } catch (lastError) {
      this.#failure = { error: new AggregateError([error, lastError], "onError failed too") };
    }
    if (last === undefined) throw this.#failure.error;
    return last;
  }
}

function iterate<T>(iterable: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> | Iterator<T> {
  if (typeof (iterable as AsyncIterable<T>)?.[Symbol.asyncIterator] === "function") {
    return (iterable as AsyncIterable<T>)[Symbol.asyncIterator]();
  }
  if (typeof (iterable as Iterable<T>)?.[Symbol.iterator] === "function") {
    return (iterable as Iterable<T>)[Symbol.iterator]();
  }
  throw new TypeError(
    `a streamed response needs an async iterable, an iterable or a generator function, got ${typeof iterable}`,
  );
}

const pumps = new WeakMap<Response, Pump<unknown>>();
const NO_QUEUE = { highWaterMark: 0 }; // pull only when the client asks: nothing runs ahead

/**
 * The base of edgelette's streamed responses: a body pulled from a producer,
 * started by the route (its first chunk) before anything is sent.
 */
export class PulledResponse<T> extends Response {
  constructor(source: ChunkSource<T>, options: PumpOptions<T>, init: EdgeletteResponseInit) {
    const pump = new Pump(source, options);
    super(new ReadableStream(pump, NO_QUEUE), init);
    pumps.set(this, pump as Pump<unknown>);
    withBackground(this, init.background);
  }
}

/**
 * Resolves with `response` once its producer made the first chunk (or ended),
 * rejects with what it threw before: nothing was sent, so the error takes the
 * normal path. Only the first call starts it; later calls share the result.
 */
export function firstChunk(response: PulledResponse<unknown>): Promise<Response> {
  return (pumps.get(response) as Pump<unknown>).prime().then(() => response);
}

/** A pulled response nothing has started yet: one returned by middleware, or around no route. */
export function isUnstarted(response: Response): response is PulledResponse<unknown> {
  return response instanceof PulledResponse && !(pumps.get(response) as Pump<unknown>).primed;
}

const encoder = new TextEncoder();

/** Strings as UTF-8; bytes as they are. */
function encodeChunk(value: unknown): Uint8Array {
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(
    `StreamingResponse chunks must be strings or bytes (Uint8Array, ArrayBuffer), got ${value === null ? "null" : typeof value}`,
  );
}

/**
 * A body streamed from an async iterable of strings or bytes, pulled as the
 * client reads. Set the `content-type` yourself; none is guessed.
 * @example
 * return new StreamingResponse(async function* (signal) {
 *   for await (const row of db.rows({ signal })) yield `${JSON.stringify(row)}\n`;
 * }, { headers: { "content-type": "application/x-ndjson" } });
 */
export class StreamingResponse extends PulledResponse<
  string | Uint8Array | ArrayBuffer | ArrayBufferView
> {
  constructor(
    source: ChunkSource<string | Uint8Array | ArrayBuffer | ArrayBufferView>,
    init: EdgeletteResponseInit = {},
  ) {
    super(source, { encode: encodeChunk }, init);
  }
}
