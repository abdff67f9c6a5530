import { HTTPException, WebSocketException } from "../exceptions.ts";
import { type HandlerEntries, HandlerTable } from "../handler-table.ts";
import { isRequest } from "../layer.ts";
import { JSONResponse, PlainTextResponse } from "../responses.ts";
import type { ExceptionHandler, WebSocketExceptionHandler } from "../types.ts";
import type { HandledSocket } from "./handle.ts";

const NO_BODY_STATUSES = new Set([204, 304]);

/**
 * The default answer to an `HTTPException`: the detail as plain text, or as
 * JSON `{"detail": …}` when it is not a string, plus the exception's headers.
 */
export function httpExceptionResponse(_request: Request, exc: HTTPException): Response {
  const { statusCode: status, detail } = exc;
  if (NO_BODY_STATUSES.has(status)) return new Response(null, { status, headers: exc.headers });
  const response =
    typeof detail === "string"
      ? new PlainTextResponse(detail, { status })
      : new JSONResponse({ detail }, { status });
  // Headers the exception carries win, content headers included.
  exc.headers?.forEach((value, name) => {
    response.headers.set(name, value);
  });
  return response;
}

/**
 * The default for a `WebSocketException`: close with its code and reason. Thrown
 * outside a WebSocket endpoint it is a bug, so it goes on to the 500 layer.
 */
export function closeWithWebSocketException(target: unknown, exc: WebSocketException): void {
  if (isRequest(target)) throw exc;
  (target as HandledSocket).close(exc.code, exc.reason);
}

/** A table holding the defaults, then the user's entries (which replace them, S-LOOK-4). */
export function createHandlerTable(entries?: HandlerEntries): HandlerTable {
  const table = new HandlerTable();
  table.add(HTTPException, httpExceptionResponse as ExceptionHandler);
  table.add(WebSocketException, closeWithWebSocketException as WebSocketExceptionHandler);
  if (entries) table.addAll(entries);
  return table;
}
