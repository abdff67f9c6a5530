import type { HandlerTable } from "../handler-table.ts";
import { type Answer, isResponse } from "../layer.ts";
import { PlainTextResponse } from "../responses.ts";
import type { Context } from "../types.ts";

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
 * non-`Response` is reported through `report`, and the safe 500 answers (S-RES-6).
 */
export function callUnhandledHandler(
  table: HandlerTable,
  error: unknown,
  request: Request,
  ctx: Context,
  report: (handlerError: unknown) => void,
): Answer {
  const handler = table.forUnhandled();
  if (!handler) return serverErrorResponse();
  const failed = (handlerError: unknown) => {
    report(handlerError);
    return serverErrorResponse();
  };
  let answer: unknown;
  try {
    answer = handler(request, error, ctx);
  } catch (handlerError) {
    return failed(handlerError);
  }
  if (isResponse(answer)) return answer;
  return Promise.resolve(answer).then(
    (response: unknown) =>
      isResponse(response) ? response : failed(notAResponse(response, "the 500 handler")),
    failed,
  );
}
