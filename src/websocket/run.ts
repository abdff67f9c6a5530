import { RequestContext } from "../context.ts";
import { HTTPException, WebSocketDisconnect } from "../exceptions.ts";
import { keepCause, lookupHandler } from "../middleware/handle-exception.ts";
import { consoleReporter, reportOnce } from "../reporting.ts";
import type { WebSocketRoute } from "../routing/route.ts";
import type { Context, WebSocketExceptionHandler } from "../types.ts";
import { closeFrameForHttpException } from "./close-frame.ts";
import { WebSocketSession } from "./session.ts";
import { upgraderOf } from "./transport.ts";

/** The close frame for an `HTTPException` after accept: 4000 + status, detail as reason (S-WS-3). */
export function closeForHttpException(ws: WebSocketSession, exc: HTTPException): void {
  const { code, reason } = closeFrameForHttpException(exc);
  ws.close(code, reason);
}

/**
 * Runs a WebSocket endpoint. The fetch call answers as soon as the endpoint
 * accepts; until then, what it throws travels through the HTTP layers (a
 * denial). After that, errors are handled here, on the socket.
 */
export async function runWebSocketRoute(
  route: WebSocketRoute,
  request: Request,
  ctx: Context,
): Promise<Response> {
  const context = ctx as RequestContext;
  const upgrader = upgraderOf(context.executionCtx);
  if (!(context instanceof RequestContext) || !upgrader) {
    throw new Error(
      "this runtime gave edgelette no WebSocket support: serve the app through an adapter " +
        "(edgelette/cloudflare, /deno, /bun, /node) or edgelette/testing",
    );
  }
  const onError = (error: unknown) => report(context, error);
  const ws = new WebSocketSession(request, upgrader(request), route.limits, onError);
  context.webSocket = ws;
  const finished = Promise.resolve().then(() => route.endpoint(ws, ctx));
  // 1. The endpoint accepts (or closes, which accepts first): answer with the upgrade.
  // 2. It throws before that: ordinary HTTP handling, as a denial (the race rejects).
  // 3. It returns without accepting: accept and close 1000, as `close()` before accept does.
  const first = await Promise.race([ws.accepted, finished.then(() => undefined)]);
  if (first === undefined && ws.phase === "connecting") ws.close(1000);
  // Nothing awaits the rest of the endpoint: whatever it does must end here, never unhandled.
  finished
    .then(
      () => ws.close(1000),
      (error) => handleAfterAccept(ws, error, context),
    )
    .catch(onError);
  return ws.response as Response;
}

/**
 * Errors after the handshake. A client that left is not an error; anything
 * that fails to close the socket its own way is reported once and closes 1011.
 */
async function handleAfterAccept(ws: WebSocketSession, error: unknown, ctx: RequestContext) {
  if (error instanceof WebSocketDisconnect) return;
  try {
    await closeForError(ws, error, ctx);
  } catch (unhandled) {
    report(ctx, keepCause(unhandled, error));
    ws.close(1011);
  }
}

/** `HTTPException` closes 4000 + status; a handler acts on the socket (S-WS-9); others re-throw. */
async function closeForError(ws: WebSocketSession, error: unknown, ctx: RequestContext) {
  if (error instanceof HTTPException) return closeForHttpException(ws, error);
  const handler = ctx.exceptionTable && lookupHandler(ctx.exceptionTable, error);
  if (!handler) throw error;
  await (handler as WebSocketExceptionHandler)(ws, error, ctx);
  ws.close(1000);
}

/** To the innermost 500 layer; a bare `Router` has none, and the error must still not be lost. */
function report(ctx: RequestContext, error: unknown): void {
  if (ctx.errorSink) ctx.errorSink.report(error, ctx.request, ctx);
  else reportOnce(consoleReporter, error, ctx.request, ctx);
}
