import { WebSocketDisconnect } from "../exceptions.ts";
import { Inbox } from "../websocket/inbox.ts";
import type {
  AcceptOptions,
  TransportEvents,
  WebSocketMessage,
  WebSocketTransport,
} from "../websocket/transport.ts";

const decoder = new TextDecoder();

/**
 * Both ends of an in-memory WebSocket: the server side is a transport, the
 * client side is what a test drives. Messages cross on the microtask queue,
 * as they would cross a network: never synchronously.
 */
export class MemorySocket implements WebSocketTransport {
  #server: TransportEvents | undefined;
  readonly #toClient = new Inbox();
  accepted: AcceptOptions | undefined;
  #serverClosed = false;
  #clientClosed = false;
  /** Set by the test client: an unhandled server error to raise instead of a plain close. */
  serverError: (() => unknown) | undefined;

  accept(options: AcceptOptions, events: TransportEvents): Response {
    this.accepted = options;
    this.#server = events;
    // Node's Response cannot carry 101; the test client looks at `accepted`, not the status.
    // The handshake's headers are those of the response the app returns (middleware's too).
    return new Response(null, { status: 200, headers: options.headers });
  }

  send(data: WebSocketMessage): void {
    const copy = typeof data === "string" ? data : data.slice();
    queueMicrotask(() => this.#toClient.push(copy));
  }

  close(code: number, reason: string): void {
    this.#serverClosed = true;
    queueMicrotask(() => this.#toClient.end(code, reason));
  }

  // The client's side ------------------------------------------------------

  /** Like a network client: a send racing the server's close is lost, not an error. */
  sendFromClient(data: WebSocketMessage): void {
    if (this.#clientClosed) throw new Error("the test WebSocket is closed: close() was called");
    if (this.#serverClosed) return;
    queueMicrotask(() => this.#server?.message(data));
  }

  /** The client failed the handshake and hung up, as `ws` does: the endpoint sees 1006. */
  dropFromClient(): void {
    this.#clientClosed = true;
    queueMicrotask(() => this.#server?.close(1006, ""));
  }

  closeFromClient(code: number, reason: string): void {
    if (this.#clientClosed) return;
    this.#clientClosed = true;
    if (this.#serverClosed) return; // the close handshake is already under way
    queueMicrotask(() => {
      this.#server?.close(code, reason);
      this.#toClient.end(code, reason);
    });
  }

  async receive(): Promise<WebSocketMessage> {
    try {
      return await this.#toClient.next();
    } catch (error) {
      const raised = this.serverError?.();
      throw raised !== undefined && error instanceof WebSocketDisconnect ? raised : error;
    }
  }
}

/** The socket a test gets from `client.websocketConnect(path)`. */
export class TestWebSocket {
  readonly #socket: MemorySocket;
  /** The subprotocol the server accepted, if any. */
  readonly subprotocol: string | undefined;
  /** The handshake's headers: those the app's response carried (and `sec-websocket-protocol`). */
  readonly headers: Headers;

  constructor(socket: MemorySocket, headers: Headers) {
    this.#socket = socket;
    this.subprotocol = socket.accepted?.subprotocol;
    this.headers = headers;
  }

  sendText(text: string): void {
    this.#socket.sendFromClient(text);
  }

  sendBytes(data: Uint8Array): void {
    this.#socket.sendFromClient(data.slice());
  }

  sendJson(value: unknown): void {
    this.#socket.sendFromClient(JSON.stringify(value));
  }

  /** The next message as sent, text or bytes; rejects with `WebSocketDisconnect` once closed. */
  receive(): Promise<string | Uint8Array> {
    return this.#socket.receive();
  }

  async receiveText(): Promise<string> {
    const message = await this.#socket.receive();
    if (typeof message !== "string") throw new TypeError("expected a text message, got binary");
    return message;
  }

  async receiveBytes(): Promise<Uint8Array> {
    const message = await this.#socket.receive();
    if (typeof message === "string") throw new TypeError("expected a binary message, got text");
    return message;
  }

  async receiveJson(): Promise<unknown> {
    const message = await this.#socket.receive();
    return JSON.parse(typeof message === "string" ? message : decoder.decode(message));
  }

  /** Without a code the close frame has none, and the endpoint sees 1005, as from a real client. */
  close(code?: number, reason = ""): void {
    this.#socket.closeFromClient(code ?? 1005, reason);
  }
}
