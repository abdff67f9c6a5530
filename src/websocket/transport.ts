/**
 * The seam between a `WebSocketSession` and a runtime. Each adapter supplies
 * an upgrader on the execution context; the session never names a runtime.
 */

/** Looked up on the execution context an adapter passes to `app.fetch`. */
export const WEBSOCKET_UPGRADER = Symbol.for("edgelette.webSocketUpgrader");

export type WebSocketMessage = string | Uint8Array;

/** What the runtime tells the session. Calls after the session closed are ignored. */
export interface TransportEvents {
  /** A whole message: text as a string, binary as a Uint8Array (never Blob or ArrayBuffer). */
  message(data: WebSocketMessage): void;
  /** The client closed (or the connection dropped: use 1006 and an empty reason). */
  close(code: number, reason: string): void;
}

export interface AcceptOptions {
  /** Already checked against the client's offer; the transport sends it as `Sec-WebSocket-Protocol`. */
  subprotocol?: string;
  /** Extra headers for the handshake response. */
  headers?: Headers;
}

/**
 * One socket on one runtime. The session calls `accept` at most once, then
 * `send` any number of times, then `close` at most once (after `accept`).
 * Sends made before the socket opens are the transport's to queue.
 */
export interface WebSocketTransport {
  /** Completes the handshake; returns what the fetch handler must return (a 101, or a stand-in). */
  accept(options: AcceptOptions, events: TransportEvents): Response;
  /**
   * True once the runtime holds the message (sent, or queued to be). False when
   * it dropped it (Bun's 0): the session then closes 1008 and tells the endpoint.
   */
  send(data: WebSocketMessage): boolean;
  /** Bytes queued and not yet written to the network; leave out where the runtime cannot tell. */
  bufferedAmount?(): number;
  /** Drops the connection without a close handshake; leave out where the runtime cannot (Deno). */
  terminate?(): void;
  /** Sends the close frame; the code and reason are already validated. */
  close(code: number, reason: string): void;
}

/** Called once per upgrade request that reaches a `WebSocketRoute`; nothing happens on the wire until `accept`. */
export type WebSocketUpgrader = (request: Request) => WebSocketTransport;

export function upgraderOf(executionCtx: unknown): WebSocketUpgrader | undefined {
  const upgrader = (executionCtx as Record<symbol, unknown> | undefined)?.[WEBSOCKET_UPGRADER];
  return typeof upgrader === "function" ? (upgrader as WebSocketUpgrader) : undefined;
}

/**
 * Whether a client's upgrade handshake can be completed: RFC 6455 §4.1 asks
 * for a key of 16 base64 bytes and version 13. Adapters whose runtime would
 * refuse the rest after the app accepted (Bun, workerd) answer it 400 first.
 */
export function isValidHandshake(request: Request): boolean {
  const key = request.headers.get("sec-websocket-key") ?? "";
  return /^[+/0-9A-Za-z]{22}==$/.test(key) && request.headers.get("sec-websocket-version") === "13";
}

/**
 * The subprotocols a client offered, in its order. RFC 6455 §4.1 sends them
 * comma-separated with optional whitespace: the `ws` package writes
 * `a,b`, browsers `a, b`; both mean the same.
 */
export function offeredSubprotocols(request: Request): string[] {
  const offered = request.headers.get("sec-websocket-protocol") ?? "";
  return offered
    .split(",")
    .map((each) => each.trim())
    .filter(Boolean);
}

// What the runtime writes on the 101 itself, or what a 101 must not carry.
const HANDSHAKE_OWNED = [
  "connection",
  "upgrade",
  "sec-websocket-accept",
  "sec-websocket-extensions",
  "sec-websocket-protocol",
  "content-length",
  "transfer-encoding",
  "keep-alive",
];

/**
 * The headers of the 101 for adapters that write it after the app answered
 * (Node, Bun, the test client): those of the response the app returned, so
 * headers middleware set on it arrive as they do on Deno and Workers, plus
 * the chosen subprotocol, exactly (S-WS-13).
 */
export function handshakeHeaders(response: Response, accepted: AcceptOptions): Headers {
  const headers = new Headers(response.headers);
  for (const [name, value] of accepted.headers ?? []) {
    if (!headers.has(name)) headers.set(name, value);
  }
  for (const name of HANDSHAKE_OWNED) headers.delete(name);
  if (accepted.subprotocol !== undefined) {
    headers.set("sec-websocket-protocol", accepted.subprotocol);
  }
  return headers;
}
