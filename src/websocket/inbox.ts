import { WebSocketDisconnect } from "../exceptions.ts";
import type { WebSocketMessage } from "./transport.ts";

type Step = IteratorResult<WebSocketMessage, void>;

const DONE: Step = Object.freeze({ done: true, value: undefined });

interface Waiter {
  resolve(value: WebSocketMessage | Step): void;
  reject(error: unknown): void;
  /** A `for await` loop waits: it takes iterator steps, and the disconnect as its end. */
  looping: boolean;
}

/** Messages waiting to be received, and receivers waiting for messages. */
export class Inbox {
  readonly #messages: WebSocketMessage[] = [];
  readonly #waiters: Waiter[] = [];
  #disconnect: WebSocketDisconnect | undefined;

  get disconnected(): WebSocketDisconnect | undefined {
    return this.#disconnect;
  }

  push(message: WebSocketMessage): void {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) this.#messages.push(message);
    else waiter.resolve(waiter.looping ? { done: false, value: message } : message);
  }

  /** Every pending and later receive rejects with the same disconnect; loops end. */
  end(code: number, reason: string): void {
    if (this.#disconnect) return;
    const disconnect = new WebSocketDisconnect(code, reason);
    this.#disconnect = disconnect;
    for (const waiter of this.#waiters.splice(0)) {
      if (waiter.looping) waiter.resolve(DONE);
      else waiter.reject(disconnect);
    }
  }

  next(): Promise<WebSocketMessage> {
    const message = this.#messages.shift();
    if (message !== undefined) return Promise.resolve(message);
    if (this.#disconnect) return Promise.reject(this.#disconnect);
    return this.#wait(false) as Promise<WebSocketMessage>;
  }

  /**
   * The next step of a `for await` loop, the end once the client left. One
   * promise per message: an async generator over `next()` made three.
   */
  step(): Promise<Step> {
    const message = this.#messages.shift();
    if (message !== undefined) return Promise.resolve({ done: false, value: message });
    if (this.#disconnect) return Promise.resolve(DONE);
    return this.#wait(true) as Promise<Step>;
  }

  #wait(looping: boolean): Promise<WebSocketMessage | Step> {
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject, looping }));
  }
}

/**
 * What `for await (const message of ws)` iterates: it ends quietly when the
 * client leaves. `step` throws at once for a session that cannot receive.
 */
export class MessageLoop implements AsyncGenerator<WebSocketMessage, void, undefined> {
  readonly #step: () => Promise<Step>;
  #ended = false;

  constructor(step: () => Promise<Step>) {
    this.#step = step;
  }

  next(): Promise<Step> {
    if (this.#ended) return Promise.resolve(DONE);
    try {
      return this.#step();
    } catch (error) {
      return this.throw(error); // as a generator's, a loop that threw stays ended
    }
  }

  /** `break` ends the loop; messages that arrive later wait for the next receive. */
  return(): Promise<Step> {
    this.#ended = true;
    return Promise.resolve(DONE);
  }

  throw(error: unknown): Promise<Step> {
    this.#ended = true;
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
