import { WebSocketDisconnect } from "../exceptions.ts";
import type { WebSocketMessage } from "./transport.ts";

interface Waiter {
  resolve(message: WebSocketMessage): void;
  reject(error: unknown): void;
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
    if (waiter) waiter.resolve(message);
    else this.#messages.push(message);
  }

  /** Every pending and later receive rejects with the same disconnect. */
  end(code: number, reason: string): void {
    if (this.#disconnect) return;
    this.#disconnect = new WebSocketDisconnect(code, reason);
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#disconnect);
  }

  next(): Promise<WebSocketMessage> {
    const message = this.#messages.shift();
    if (message !== undefined) return Promise.resolve(message);
    if (this.#disconnect) return Promise.reject(this.#disconnect);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }
}
