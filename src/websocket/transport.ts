/**
 * The seam between a `WebSocketSession` and a runtime. Each adapter supplies
 * an upgrader on the execution context; the session never names a runtime.
 */

/** Looked up on the execution context an adapter passes to `app.fetch`. */
export const WEBSOCKET_UPGRADER = Symbol.for("edgelette.webSocketUpgrader");

export type WebSocketMessage = string | Uint8Array;

/** What the runtime tells the session. */
export interface TransportEvents {
  message(data: WebSocketMessage): void;
  close(code: number, reason: string): void;
}

export interface AcceptOptions {
  subprotocol?: string;
  headers?: Headers;
}

/** One socket on one runtime. Sends made before the socket opens are the transport's to queue. */
export interface WebSocketTransport {
  /** Completes the handshake; returns what the fetch handler must return. */
  accept(options: AcceptOptions, events: TransportEvents): Response;
  send(data: WebSocketMessage): void;
  close(code: number, reason: string): void;
}

export type WebSocketUpgrader = (request: Request) => WebSocketTransport;

export function upgraderOf(executionCtx: unknown): WebSocketUpgrader | undefined {
  const upgrader = (executionCtx as Record<symbol, unknown> | undefined)?.[WEBSOCKET_UPGRADER];
  return typeof upgrader === "function" ? (upgrader as WebSocketUpgrader) : undefined;
}
