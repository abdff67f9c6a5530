import { RequestContext } from "../context.ts";
import { WebSocketDisconnect } from "../exceptions.ts";
import type { HandlerTable } from "../handler-table.ts";
import { handle, keepCause } from "../middleware/handle.ts";
import { notifyContinues, notifySocketClosed } from "../observe.ts";
import { consoleReporter, infoOf, reportOnce } from "../reporting.ts";
import type { WebSocketRoute } from "../routing/route.ts";
import type { Context } from "../types.ts";
import { WebSocketSession } from "./session.ts";
import { upgraderOf } from "./transport.ts";

/**
 * Runs a WebSocket endpoint. The fetch call answers as soon as the endpoint
 * accepts. What it throws goes through `handle` with the same `table` as an
 * HTTP route's errors: before accept that may be an HTTP denial; after it,
 * only the socket can answer.
 */
export async function runWebSocketRoute(
  route: WebSocketRoute,
  request: Request,
  ctx: Context,
  table: HandlerTable,
): Promise<Response> {
  const upgrader = upgraderOf((ctx as Partial<RequestContext>).executionCtx);
  if (!(ctx instanceof RequestContext) || !upgrader) {
    throw new Error(
      "this runtime gave edgelette no WebSocket support: serve the app through an adapter " +
        "(edgelette/cloudflare, /deno, /bun, /node) or edgelette/testing",
    );
  }
  const onError = (error: unknown) => report(ctx, error);
  const ws = new WebSocketSession(request, upgrader(request), route.limits, onError);
  const finished = Promise.resolve().then(() => route.endpoint(ws, ctx));
  // 1. The endpoint accepts (or closes, which accepts first): answer with the upgrade.
  // 2. It throws before that: the table answers, on the socket or as a denial;
  //    what it has no handler for is the 500 layer's (a reported 500 denial).
  // 3. It returns without accepting: accept and close 1000, as `close()` before accept does.
  let first: Response | undefined;
  try {
    first = await Promise.race([ws.accepted, finished.then(() => undefined)]);
  } catch (error) {
    return beforeAccept(table, error, ws, ctx);
  }
  if (first === undefined && ws.phase === "connecting") ws.close(1000);
  // Nothing awaits the rest of the endpoint: whatever it does must end here, never unhandled.
  const ended = finished
    .then(
      () => ws.close(1000),
      (error) => afterAccept(table, error, ws, ctx),
    )
    .catch(onError);
  if (ctx.internal.observers) observeSession(ws, ctx, ended);
  return ws.response as Response;
}

/** The session is work that outlives the response; observers learn its close once the endpoint is done. */
function observeSession(ws: WebSocketSession, ctx: RequestContext, ended: Promise<void>): void {
  const closed = ended.then(() => {
    const close = ws.closedWith;
    if (close) notifySocketClosed(ctx.internal, close.code, close.reason);
  });
  notifyContinues(ctx.internal, closed);
}

async function beforeAccept(
  table: HandlerTable,
  error: unknown,
  ws: WebSocketSession,
  ctx: RequestContext,
): Promise<Response> {
  const answer = await handle(table, error, ws, ctx);
  if (answer === undefined) throw error;
  return answer;
}

/**
 * After the handshake. A client that left is not an error; what the table
 * cannot end on the socket is reported once and closes 1011 (S-WS-4).
 */
async function afterAccept(
  table: HandlerTable,
  error: unknown,
  ws: WebSocketSession,
  ctx: RequestContext,
): Promise<void> {
  if (error instanceof WebSocketDisconnect) return;
  try {
    if ((await handle(table, error, ws, ctx)) !== undefined) return;
    report(ctx, error);
  } catch (handlerError) {
    report(ctx, keepCause(handlerError, error));
  }
  ws.close(1011);
}

/** To the 500 layer serving the request; a bare `Router` has none, and the error must still not be lost. */
function report(ctx: RequestContext, error: unknown): void {
  const { serverErrors } = ctx;
  if (serverErrors) serverErrors.report(error, ctx.request, ctx, "websocket");
  else reportOnce(consoleReporter, error, ctx.request, ctx.internal, infoOf("websocket", ctx));
}
