/**
 * The client side of the WebSocket suite, the same on every runtime: a
 * `ClientSocket` is a queue of events read with `next()`, whatever sits
 * underneath (a browser-style `WebSocket`, the `ws` package, or the
 * in-memory `TestWebSocket`).
 */
import { WebSocketDisconnect } from "../../src/index.ts";
import type { TestWebSocket } from "../../src/testing/index.ts";

export type ClientEvent =
  | { kind: "message"; data: string | Uint8Array }
  | { kind: "close"; code: number; reason: string };

export interface ClientSocket {
  /** The subprotocol the server chose; "" when none. */
  readonly protocol: string;
  /** The handshake response's headers, on clients that expose them (`ws`, in-memory); browsers do not. */
  readonly headers?: Headers;
  send(data: string | Uint8Array): void;
  /** The next message, or the close (repeated on every later call). Rejects if nothing comes in time. */
  next(): Promise<ClientEvent>;
  close(code?: number, reason?: string): void;
}

/** How the suite reaches a server: one implementation per runtime. */
export interface WebSocketTarget {
  /** Resolves once the socket is open; rejects if the upgrade is refused. */
  connect(path: string, options?: { protocols?: string[] }): Promise<ClientSocket>;
  /** An upgrade attempt the server refuses: the HTTP response it answered with. */
  requestUpgrade(path: string): Promise<{ status: number; headers: Headers; body: string }>;
  baseUrl?: string;
}

/** Long enough for any runtime here, short enough to fail before the test runner's own timeout. */
const EVENT_TIMEOUT_MS = 4000;

/** Events in arrival order, and readers waiting for them; a close is the last event. */
class EventQueue {
  readonly #events: ClientEvent[] = [];
  readonly #waiters: { resolve(event: ClientEvent): void; reject(error: unknown): void }[] = [];
  #end: { event: ClientEvent } | { error: unknown } | undefined;

  push(event: ClientEvent): void {
    if (this.#end) return;
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve(event);
    else this.#events.push(event);
    if (event.kind === "close") this.#finish({ event });
  }

  /** The client itself failed (not a close from the server): every later `next()` rejects. */
  fail(error: unknown): void {
    if (!this.#end) this.#finish({ error });
  }

  next(): Promise<ClientEvent> {
    const queued = this.#events.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#end)
      return "event" in this.#end
        ? Promise.resolve(this.#end.event)
        : Promise.reject(this.#end.error);
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (event: ClientEvent) => {
          clearTimeout(timer);
          resolve(event);
        },
        reject: (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`no WebSocket message or close within ${EVENT_TIMEOUT_MS} ms`));
      }, EVENT_TIMEOUT_MS);
      this.#waiters.push(waiter);
    });
  }

  #finish(end: { event: ClientEvent } | { error: unknown }): void {
    this.#end = end;
    for (const waiter of this.#waiters.splice(0)) {
      if ("event" in end) waiter.resolve(end.event);
      else waiter.reject(end.error);
    }
  }
}

/** What `fromWebSocketLike` needs: browser-style `WebSocket`s and the `ws` package both fit. */
export interface WebSocketLike {
  readonly readyState?: number;
  readonly protocol?: string;
  binaryType?: string;
  /** DOM typings want ArrayBuffer-backed views (not SharedArrayBuffer): we always pass a fresh copy. */
  send(data: string | Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  // biome-ignore lint/suspicious/noExplicitAny: each runtime has its own event types
  addEventListener(type: string, listener: (event: any) => void): void;
}

const OPEN = 1;

/** Text stays text; every binary shape a runtime delivers becomes a plain Uint8Array. */
async function toMessageData(data: unknown): Promise<string | Uint8Array> {
  if (typeof data === "string") return data;
  // By tag, not instanceof: the buffer may come from another realm (workerd, vm contexts).
  if (Object.prototype.toString.call(data) === "[object ArrayBuffer]") {
    return new Uint8Array(data as ArrayBuffer);
  }
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
  throw new TypeError(`unexpected WebSocket message data: ${Object.prototype.toString.call(data)}`);
}

/**
 * Wraps a client `WebSocket` (connecting or already open) as a `ClientSocket`;
 * resolves once it is open, rejects if it closes or fails first.
 */
export function fromWebSocketLike(ws: WebSocketLike): Promise<ClientSocket> {
  const queue = new EventQueue();
  // A Blob message needs an await: chain every event so none overtakes another.
  let delivered = Promise.resolve();
  const enqueue = (event: () => Promise<ClientEvent> | ClientEvent) => {
    delivered = delivered.then(event).then(
      (ready) => queue.push(ready),
      (error) => queue.fail(error),
    );
  };
  if ("binaryType" in ws) ws.binaryType = "arraybuffer";
  ws.addEventListener("message", (event) =>
    enqueue(async () => ({ kind: "message", data: await toMessageData(event.data) })),
  );
  ws.addEventListener("close", (event) =>
    enqueue(() => ({ kind: "close", code: event.code, reason: event.reason ?? "" })),
  );
  const socket: ClientSocket = {
    get protocol() {
      return ws.protocol ?? "";
    },
    send: (data) => ws.send(typeof data === "string" ? data : new Uint8Array(data)),
    next: () => queue.next(),
    close: (code, reason) => ws.close(code, reason),
  };
  return new Promise((resolve, reject) => {
    if (ws.readyState === OPEN) return resolve(socket);
    ws.addEventListener("open", () => resolve(socket));
    ws.addEventListener("close", (event) =>
      reject(new Error(`WebSocket closed before it opened (code ${event.code})`)),
    );
    ws.addEventListener("error", () => reject(new Error("WebSocket failed before it opened")));
  });
}

/** Adapts the in-memory `TestWebSocket` of `edgelette/testing`. */
export function fromTestWebSocket(testWs: TestWebSocket): ClientSocket {
  const queue = new EventQueue();
  void pump(testWs, queue);
  return {
    protocol: testWs.subprotocol ?? "",
    headers: testWs.headers,
    send: (data) => (typeof data === "string" ? testWs.sendText(data) : testWs.sendBytes(data)),
    next: () => queue.next(),
    close: (code, reason) => testWs.close(code, reason),
  };
}

/** Moves what the test socket receives into the queue, until it closes. */
async function pump(testWs: TestWebSocket, queue: EventQueue): Promise<void> {
  while (true) {
    try {
      queue.push({ kind: "message", data: await testWs.receive() });
    } catch (error) {
      if (error instanceof WebSocketDisconnect) {
        queue.push({ kind: "close", code: error.code, reason: error.reason });
      } else {
        queue.fail(error);
      }
      return;
    }
  }
}
