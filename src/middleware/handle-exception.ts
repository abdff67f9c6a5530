import { type Answer, type Recover, rethrow } from "../answer.ts";
import type { RequestContext } from "../context.ts";
import { isHTTPException } from "../exceptions.ts";
import type { HandlerTable } from "../handler-table.ts";
import type {
  AnyExceptionHandler,
  Context,
  ExceptionHandler,
  WebSocketExceptionHandler,
} from "../types.ts";
import type { WebSocketSession } from "../websocket/session.ts";

/**
 * The one place a handled exception becomes a response: catch → look up →
 * call → re-throw (or pass on). Both exception layers go through here.
 */

/** Status handlers first (HTTPException only), then the class chain, most specific first. */
export function lookupHandler(table: HandlerTable, exc: unknown): AnyExceptionHandler | undefined {
  if (isHTTPException(exc)) {
    const byStatus = table.forStatus(exc.statusCode);
    if (byStatus) return byStatus;
  }
  return table.forClass(exc);
}

/**
 * Answers `exc` with its handler. What the table has no handler for, and what
 * a handler throws, goes to `passOn` (S-LOOK-5, S-LOOK-8): a re-throw, or the
 * 500 layer itself when nothing sits between. `noHandler`, when given, takes
 * the first kind instead: a 500 layer sharing the table need not look again.
 */
export function handleException(
  table: HandlerTable,
  request: Request,
  exc: unknown,
  ctx: Context,
  passOn: Recover = rethrow,
  noHandler: Recover = passOn,
): Answer {
  const handler = lookupHandler(table, exc);
  if (!handler) return noHandler(exc, request, ctx);
  let answer: Answer;
  try {
    answer = answerWith(handler, request, exc, ctx);
  } catch (handlerError) {
    return passOn(handlerError, request, ctx);
  }
  if (answer instanceof Response || passOn === rethrow) return answer;
  return answer.then(undefined, (handlerError) => passOn(handlerError, request, ctx));
}

function answerWith(
  handler: AnyExceptionHandler,
  request: Request,
  exc: unknown,
  ctx: Context,
): Answer {
  const ws = (ctx as Partial<RequestContext>).webSocket;
  if (ws && !isHTTPException(exc)) {
    return handleOnSocket(handler as WebSocketExceptionHandler, ws, exc, ctx);
  }
  return callHandler(handler as ExceptionHandler, request, exc, ctx);
}

/**
 * During a WebSocket handshake a handler receives the session, not the
 * request (S-WS-9); the socket is then closed and its upgrade is the answer.
 */
async function handleOnSocket(
  handler: WebSocketExceptionHandler,
  ws: WebSocketSession,
  exc: unknown,
  ctx: Context,
): Promise<Response> {
  try {
    await handler(ws, exc, ctx);
  } catch (error) {
    const failure = keepCause(error, exc);
    // Still connecting: an HTTP denial (500) can answer. Already accepted: only the socket can.
    if (ws.phase === "connecting") throw failure;
    const context = ctx as RequestContext;
    context.errorSink?.report(failure, context.request, context);
    ws.close(1011);
  }
  ws.close(1000);
  return ws.response as Response;
}

/**
 * Calls a handler and insists on a `Response`. A handler that throws hands
 * its error to the 500 layer with the original exception as its `cause`.
 */
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
  if (answer instanceof Response) return answer;
  return Promise.resolve(answer).then(
    (response) => checkResponse(response, exc),
    (error) => Promise.reject(keepCause(error, exc)),
  );
}

function checkResponse(response: unknown, exc: unknown): Response {
  if (response instanceof Response) return response;
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

function describe(value: unknown): string {
  if (value instanceof Error) return value.name;
  if (value === null || value === undefined) return String(value);
  return typeof value === "object" ? (value.constructor?.name ?? "object") : typeof value;
}
