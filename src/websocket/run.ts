import { RequestContext } from "../context.ts";
import { HTTPException, WebSocketDisconnect } from "../exceptions.ts";
import { lookupHandler } from "../middleware/handle-exception.ts";
import type { WebSocketRoute } from "../routing/route.ts";
import type { Context } from "../types.ts";
import { WebSocketSession } from "./session.ts";
import { upgraderOf } from "./transport.ts";

const MAX_REASON_BYTES = 123;
const encoder = new TextEncoder();

/** Cuts `text` to at most 123 UTF-8 bytes without splitting a character. */
export function truncateReason(text: string): string {
  if (encoder.encode(text).byteLength <= MAX_REASON_BYTES) return text;
  let cut = "";
  for (const char of text) {
    if (encoder.encode(cut + char).byteLength > MAX_REASON_BYTES) break;
    cut += char;
  }
  return cut;
}

/** The close frame for an `HTTPException` after accept: 4000 + status, detail as reason (S-WS-3). */
export function closeForHttpException(ws: WebSocketSession, exc: HTTPException): void {
  const detail = typeof exc.detail === "string" ? exc.detail : JSON.stringify(exc.detail);
  ws.close(4000 + exc.statusCode, truncateReason(detail ?? ""));
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
  const ws = new WebSocketSession(request, upgrader(request), route.limits);
  context.webSocket = ws;
  const finished = Promise.resolve().then(() => route.endpoint(ws, ctx));
  // 1. The endpoint accepts (or closes, which accepts first): answer with the upgrade.
  // 2. It returns or throws before that: ordinary HTTP handling, as a denial.
  const first = await Promise.race([ws.accepted, finished.then(() => undefined)]);
  if (first === undefined && ws.phase === "connecting") {
    ws.close(1000); // returned without accepting: a normal, immediate close
  }
  void finished.then(
    () => ws.close(1000),
    (error) => handleAfterAccept(ws, error, context),
  );
  return ws.response as Response;
}

/** Errors after the handshake: a handler acts on the socket, or it closes 1011 and is reported. */
async function handleAfterAccept(ws: WebSocketSession, error: unknown, ctx: RequestContext) {
  try {
    if (error instanceof WebSocketDisconnect) return;
    if (error instanceof HTTPException) return closeForHttpException(ws, error);
    const handler = ctx.exceptionTable && lookupHandler(ctx.exceptionTable, error);
    if (!handler) throw error;
    await handler(ws as unknown as Request, error, ctx);
    ws.close(1000);
  } catch (unhandled) {
    ctx.errorSink?.report(unhandled, ctx.request, ctx);
    ws.close(1011);
  }
}
