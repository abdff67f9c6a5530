import type { RequestContext, ServerErrorSink } from "../context.ts";
import type { HandlerTable } from "../handler-table.ts";
import { type Answer, isResponse } from "../layer.ts";
import type { FailureKind } from "../reporting.ts";
import { PlainTextResponse } from "../responses.ts";

/** The safe 500: the only one edgelette builds (S-RES-4). */
export function serverErrorResponse(): Response {
  return new PlainTextResponse("Internal Server Error", { status: 500 });
}

export function notAResponse(value: unknown, who: string): TypeError {
  return new TypeError(`${who} returned ${typeof value}, not a Response`);
}

/**
 * The 500 handler's answer to an unhandled error (key `Error`, else `500`),
 * or the safe 500 when there is none. A handler that throws or returns a
 * non-`Response` is reported to `sink` as a failure of `kind`, and the safe
 * 500 answers (S-RES-6). No closure until one is needed: this runs on every 500.
 */
export function callUnhandledHandler(
  table: HandlerTable,
  error: unknown,
  request: Request,
  ctx: RequestContext,
  sink: ServerErrorSink,
  kind: FailureKind,
): Answer {
  const handler = table.forUnhandled();
  if (!handler) return serverErrorResponse();
  let answer: unknown;
  try {
    answer = handler(request, error, ctx);
  } catch (handlerError) {
    return reportHandlerFailure(handlerError, request, ctx, sink, kind);
  }
  if (isResponse(answer)) return answer;
  const failed = (handlerError: unknown) =>
    reportHandlerFailure(handlerError, request, ctx, sink, kind);
  return Promise.resolve(answer).then(
    (response: unknown) =>
      isResponse(response) ? response : failed(notAResponse(response, "the 500 handler")),
    failed,
  );
}

function reportHandlerFailure(
  handlerError: unknown,
  request: Request,
  ctx: RequestContext,
  sink: ServerErrorSink,
  kind: FailureKind,
): Response {
  sink.report(handlerError, request, ctx, kind);
  return serverErrorResponse();
}
