import { brand, EdgeletteException, hasBrand } from "./error-base.ts";
import { isValidHttpStatus, phrase } from "./status.ts";
import { assertSendableClose } from "./websocket/close-frame.ts";

/**
 * The exceptions edgelette understands. They are plain data: they never render
 * themselves; the exception layers turn them into responses or close frames.
 */

// The layers' own checks read the brand directly: one property load, where
// `instanceof` goes through the `Symbol.hasInstance` call (measurable on Bun).
// The brand sits on the prototype, so subclasses and other copies match too.

/** `value instanceof HTTPException`, for the request path. */
export function isHTTPException(value: unknown): value is HTTPException {
  return hasBrand(value, "HTTPException");
}

/** `value instanceof ClientDisconnect`, for the request path. */
export function isClientDisconnect(value: unknown): value is ClientDisconnect {
  return hasBrand(value, "ClientDisconnect");
}

function describeDetail(detail: unknown): string {
  if (typeof detail === "string") return detail;
  try {
    return JSON.stringify(detail) ?? String(detail);
  } catch {
    return String(detail);
  }
}

/**
 * An expected outcome with an HTTP status: turned into a response by the
 * handler table, never reported as an error.
 * @example throw new HTTPException(404)            // detail "Not Found"
 * @example throw new HTTPException(422, { errors }) // rendered as JSON
 */
export class HTTPException extends EdgeletteException {
  readonly statusCode: number;
  readonly detail: unknown;
  readonly headers: Headers | undefined;

  constructor(statusCode: number, detail?: unknown, headers?: HeadersInit) {
    if (!isValidHttpStatus(statusCode) || statusCode < 200) {
      throw new RangeError(
        `HTTPException status code must be an integer from 200 to 599, got ${String(statusCode)}`,
      );
    }
    const resolved = detail ?? (phrase(statusCode) || `HTTP ${statusCode}`);
    super(`${statusCode}: ${describeDetail(resolved)}`);
    this.statusCode = statusCode;
    this.detail = resolved;
    this.headers = headers === undefined ? undefined : new Headers(headers);
  }
}
brand(HTTPException, "HTTPException");

/**
 * Closes a WebSocket with `code` and `reason`, before or after `accept()`.
 * @example throw new WebSocketException(4403, "forbidden")
 */
export class WebSocketException extends EdgeletteException {
  readonly code: number;
  readonly reason: string;

  constructor(code = 1008, reason = "") {
    assertSendableClose(code, reason, "WebSocketException");
    super(`${code}: ${reason}`);
    this.code = code;
    this.reason = reason;
  }
}
brand(WebSocketException, "WebSocketException");

/** The client closed the socket; `receive*` rejects with this. */
export class WebSocketDisconnect extends EdgeletteException {
  readonly code: number;
  readonly reason: string;

  constructor(code = 1000, reason = "") {
    super(`${code}: ${reason}`);
    this.code = code;
    this.reason = reason;
  }
}
brand(WebSocketDisconnect, "WebSocketDisconnect");

/** The client went away while its request body was being read; not a server error. */
export class ClientDisconnect extends EdgeletteException {
  constructor(message = "Client disconnected", options?: ErrorOptions) {
    super(message, options);
  }
}
brand(ClientDisconnect, "ClientDisconnect");

/**
 * A client's message the endpoint cannot use: a frame of the wrong type for
 * `receiveText`/`receiveBytes` (1003) or invalid JSON for `receiveJson`
 * (1007). A `WebSocketException`, so uncaught it closes the socket with its
 * code and is not reported; caught, the socket stays open (S-WS-12).
 * @example try { await ws.receiveJson() } catch (e) { if (!(e instanceof InvalidWebSocketMessage)) throw e }
 */
export class InvalidWebSocketMessage extends WebSocketException {
  constructor(code: 1003 | 1007, reason: string, options?: ErrorOptions) {
    super(code, reason);
    if (options !== undefined && "cause" in options) {
      Object.defineProperty(this, "cause", {
        value: options.cause,
        writable: true,
        configurable: true,
      });
    }
  }
}
