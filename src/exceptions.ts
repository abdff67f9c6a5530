import { isValidHttpStatus, phrase } from "./status.ts";
import { assertSendableClose } from "./websocket/close-frame.ts";

/**
 * The exceptions edgelette understands. They are plain data: they never render
 * themselves; the exception layers turn them into responses or close frames.
 */

// A brand shared by every copy of the package (two bundles, two entry points,
// a nested node_modules), so `instanceof` and handler lookup agree across them.
const BRAND = Symbol.for("edgelette.exception");

/** Any class; what a brand is attached to. */
export type AnyClass = abstract new (...args: never[]) => unknown;

type Brand = "HTTPException" | "WebSocketException" | "WebSocketDisconnect" | "ClientDisconnect";

let captureStacks = false;

/** Handled exceptions skip stack capture unless some app runs with `debug: true` (S-EXC-6). */
export function enableStackCapture(): void {
  captureStacks = true;
}

/** Whether some app runs with `debug: true`, so exceptions must carry their own stacks. */
export function stacksCaptured(): boolean {
  return captureStacks;
}

/**
 * Turns stack capture off around a `super()` call, so a handled exception
 * costs about as much as a return. Returns what `restoreStacks` needs.
 */
function suspendStacks(): number | undefined {
  if (captureStacks) return undefined;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return limit;
}

function restoreStacks(limit: number | undefined): void {
  if (limit !== undefined) Error.stackTraceLimit = limit;
}

/** The brand of a class (own static property only, so subclasses stay distinct). */
export function brandOf(candidate: unknown): Brand | undefined {
  if (typeof candidate !== "function" || !Object.hasOwn(candidate, BRAND)) return undefined;
  return (candidate as unknown as Record<symbol, Brand>)[BRAND];
}

function hasBrand(value: unknown, brand: Brand): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === brand
  );
}

/**
 * `instanceof` for a branded base class: matches instances from any copy of
 * the package. Subclasses keep the ordinary prototype check.
 */
function brandedInstanceCheck(base: AnyClass, brand: Brand) {
  const ordinary = Function.prototype[Symbol.hasInstance];
  return function (this: AnyClass, value: unknown): boolean {
    if (ordinary.call(this, value)) return true;
    return this === base && hasBrand(value, brand);
  };
}

function brand(target: AnyClass, name: Brand): void {
  Object.defineProperty(target, BRAND, { value: name });
  Object.defineProperty(target.prototype, BRAND, { value: name });
  Object.defineProperty(target, Symbol.hasInstance, {
    value: brandedInstanceCheck(target, name),
  });
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
 * The base of edgelette's own exceptions: expected outcomes, not bugs, so
 * they skip stack capture unless an app runs in debug mode (S-EXC-6).
 */
abstract class EdgeletteException extends Error {
  constructor(message: string, options?: ErrorOptions) {
    const limit = suspendStacks();
    super(message, options);
    restoreStacks(limit);
    this.name = new.target.name;
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
