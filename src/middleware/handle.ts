import { isHTTPException } from "../exceptions.ts";
import type { HandlerTable } from "../handler-table.ts";
import { type Answer, isRequest, isResponse } from "../layer.ts";
import type {
  AnyExceptionHandler,
  Context,
  ExceptionHandler,
  WebSocketExceptionHandler,
} from "../types.ts";
import { closeFrameForHttpException } from "../websocket/close-frame.ts";

/**
 * The one place a handled exception becomes a response, or ends a socket:
 * look up → call → insist on a `Response`. Every layer that catches goes
 * through `handle`: the exception layer, the 500 layer (for what middleware
 * throws), WebSocket routes, Durable Object rooms and `edgelette/hono`.
 */

/** A socket a handled exception can end on: a `WebSocketSession`, or a room's `RoomSocket`. */
export interface HandledSocket {
  readonly request: Request;
  readonly phase: "connecting" | "open" | "closed";
  /** What the fetch call answers for the upgrade, once accepted. */
  readonly response: Response | undefined;
  close(code?: number, reason?: string): void;
}

/**
 * Answers `exc` with its handler from `table`, for an HTTP request or a socket.
 * `undefined` means the table has none: the caller passes `exc` on (S-LOOK-5).
 * A handler that fails throws (or rejects with) its own error, `exc` kept as
 * its cause, and the caller passes that on instead (S-LOOK-8).
 */
export function handle(
  table: HandlerTable,
  exc: unknown,
  target: Request | HandledSocket,
  ctx: Context,
): Answer | undefined {
  if (isRequest(target)) return respond(table.lookup(exc), exc, target, ctx);
  return endOnSocket(table, exc, target, ctx);
}

function respond(
  handler: AnyExceptionHandler | undefined,
  exc: unknown,
  request: Request,
  ctx: Context,
): Answer | undefined {
  return handler && callHandler(handler as ExceptionHandler, request, exc, ctx);
}

/**
 * 1. An `HTTPException` before accept is an HTTP denial through the table; after
 *    accept it closes with 4000 + status and the detail as reason (S-WS-3).
 * 2. Anything else with a class handler: the handler acts on the socket
 *    (S-WS-9), which then closes normally if the handler left it open.
 */
function endOnSocket(
  table: HandlerTable,
  exc: unknown,
  ws: HandledSocket,
  ctx: Context,
): Answer | undefined {
  if (isHTTPException(exc)) {
    if (ws.phase === "connecting") return respond(table.lookup(exc), exc, ws.request, ctx);
    const { code, reason } = closeFrameForHttpException(exc);
    ws.close(code, reason);
    return ws.response;
  }
  const handler = table.forClass(exc);
  return handler && actOnSocket(handler as WebSocketExceptionHandler, exc, ws, ctx);
}

async function actOnSocket(
  handler: WebSocketExceptionHandler,
  exc: unknown,
  ws: HandledSocket,
  ctx: Context,
): Promise<Response> {
  try {
    await handler(ws as never, exc, ctx);
  } catch (error) {
    throw keepCause(error, exc);
  }
  ws.close(1000);
  return ws.response as Response;
}

/** Calls an HTTP handler and insists on a `Response` (S-LOOK-7). */
export function callHandler(
  handler: ExceptionHandler,
  request: Request,
  exc: unknown,
  ctx: Context,
): Answer {
  let answer: unknown;
  try {
    answer = handler(request, exc, ctx);
  } catch (error) {
    throw keepCause(error, exc);
  }
  if (isResponse(answer)) return answer;
  return Promise.resolve(answer).then(
    (response) => checkResponse(response, exc),
    (error) => Promise.reject(keepCause(error, exc)),
  );
}

function checkResponse(response: unknown, exc: unknown): Response {
  if (isResponse(response)) return response;
  throw new TypeError(
    `exception handler for ${describe(exc)} returned ${describe(response)}, not a Response`,
    { cause: exc },
  );
}

/** A handler that failed on `original` keeps it as its `cause` (S-LOOK-8). */
export function keepCause(error: unknown, original: unknown): unknown {
  if (error instanceof Error && error.cause === undefined && error !== original) {
    Object.defineProperty(error, "cause", { value: original, configurable: true, writable: true });
  }
  return error;
}

/** A name for any value, even one whose property reads throw. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== "object") return typeof value;
  try {
    return value instanceof Error ? value.name : (value.constructor?.name ?? "object");
  } catch {
    return "object";
  }
}
