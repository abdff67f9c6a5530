/**
 * The client side of the WebSocket suite, the same on every runtime: a
 * `ClientSocket` is a queue of events read with `next()`, whatever sits
 * underneath (a browser-style `WebSocket`, the `ws` package, or the
 * in-memory `TestWebSocket`). The targets at the bottom are the ways the
 * suites reach an app that more than one runtime shares.
 */
import { WebSocketDisconnect } from "../../src/index.ts";
import { type TestWebSocket, WebSocketDenialResponse } from "../../src/testing/index.ts";
import type { Fetchable } from "../../src/types.ts";
import { quietClient } from "./http/support.ts";

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

/** How the suite reaches an app: one per kind of client (browser-style, `ws`, in memory, workerd). */
export interface WebSocketTarget {
  /** Resolves once the socket is open; rejects if the upgrade is refused. */
  connect(path: string, options?: { protocols?: string[] }): Promise<ClientSocket>;
  /** An upgrade attempt the server refuses: the HTTP response it answered with. */
  requestUpgrade(path: string): Promise<Denial>;
  /**
   * The server's answer to a handshake with these extra request headers (an
   * offer spelled as given): its status and exact headers, without opening a socket.
   */
  handshake(path: string, headers?: Record<string, string>): Promise<HandshakeAnswer>;
  baseUrl?: string;
}

export interface HandshakeAnswer {
  status: number;
  headers: Headers;
}

/** The HTTP response a refused upgrade got. */
export interface Denial {
  status: number;
  headers: Headers;
  body: string;
}

/** A target that also answers plain requests, to read back what the app recorded. */
export interface AppTarget extends WebSocketTarget {
  get(path: string): Promise<Response>;
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

/**
 * What `fromWebSocketLike` needs. Only the fields it reads, and one overload
 * per event it listens to: the DOM `WebSocket` (Bun, Deno, workerd) and the
 * `ws` package both fit as they are, no cast.
 */
export interface WebSocketLike {
  readonly readyState?: number;
  readonly protocol?: string;
  binaryType?: string;
  /** DOM typings want ArrayBuffer-backed views (not SharedArrayBuffer): we always pass a fresh copy. */
  send(data: string | Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", listener: (event: { readonly data: unknown }) => void): void;
  addEventListener(
    type: "close",
    listener: (event: { readonly code: number; readonly reason?: string }) => void,
  ): void;
  addEventListener(type: "open" | "error", listener: () => void): void;
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

/** What a client learned from the 101, where the socket itself does not say it. */
export interface Handshake {
  protocol: string;
  headers: Headers;
}

/**
 * Wraps a client `WebSocket` (connecting or already open) as a `ClientSocket`;
 * resolves once it is open, rejects if it closes or fails first.
 */
export function fromWebSocketLike(ws: WebSocketLike, handshake?: Handshake): Promise<ClientSocket> {
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
      return handshake?.protocol ?? ws.protocol ?? "";
    },
    headers: handshake?.headers,
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

/** A handshake for `fetch`: browser-style clients hide a refusal's status (Bun closes 1006, Deno reports 0). */
export const UPGRADE_HEADERS = {
  upgrade: "websocket",
  connection: "Upgrade",
  "sec-websocket-version": "13",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
};

/** A refused upgrade's response, read to the end. */
export async function readDenial(response: Response): Promise<Denial> {
  return { status: response.status, headers: response.headers, body: await response.text() };
}

type Handshake101 = (
  base: URL,
  path: string,
  headers?: Record<string, string>,
) => Promise<HandshakeAnswer>;

/**
 * A server at `baseUrl`, reached with the runtime's global `WebSocket` (Bun,
 * Deno), denials with `fetch`, exact handshakes with `handshake` (raw TCP).
 */
export function browserTarget(baseUrl: URL | string, handshake: Handshake101): AppTarget {
  const base = new URL(baseUrl);
  const wsUrl = (path: string) => new URL(path, base).href.replace(/^http/, "ws");
  return {
    baseUrl: base.href,
    get: (path) => fetch(new URL(path, base)),
    connect: (path, options) => fromWebSocketLike(new WebSocket(wsUrl(path), options?.protocols)),
    handshake: (path, headers) => handshake(base, path, headers),
    requestUpgrade: async (path) =>
      readDenial(
        // A WebSocket client does not follow a redirect: it fails the handshake.
        await fetch(new URL(path, base), { headers: UPGRADE_HEADERS, redirect: "manual" }),
      ),
  };
}

/** `app` in memory: `TestClient.websocketConnect` plays the client. */
export function memoryTarget(app: Fetchable): AppTarget {
  // A real client sees a 500 or a 1011, not the server's error: don't re-raise it.
  const client = quietClient(app);
  return {
    get: (path) => client.get(path),
    connect: async (path, options) =>
      fromTestWebSocket(await client.websocketConnect(path, { subprotocols: options?.protocols })),
    async requestUpgrade(path) {
      const refusal = await client.websocketConnect(path).then(
        (socket) => {
          socket.close();
          throw new Error(`expected ${path} to refuse the upgrade, but it was accepted`);
        },
        (error: unknown) => error,
      );
      if (!(refusal instanceof WebSocketDenialResponse)) throw refusal;
      return readDenial(refusal.response);
    },
    async handshake(path, headers) {
      const socket = await client.websocketConnect(path, { headers }).catch((error: unknown) => {
        if (error instanceof WebSocketDenialResponse) return error.response;
        throw error;
      });
      if (socket instanceof Response) return { status: socket.status, headers: socket.headers };
      socket.close(1000);
      return { status: 101, headers: socket.headers };
    },
  };
}
