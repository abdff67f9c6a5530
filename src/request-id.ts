// Request ids: one per request, on the context for handlers, reporters and
// log lines, and on the response so a user can quote it. It belongs in
// `outerMiddleware`, outside the 500 layer, so 500s and WebSocket denials
// carry it too, and the 500 handler, `onError` and the debug page can read it.

import { isResponse } from "./layer.ts";
import type { Middleware } from "./types.ts";

export interface RequestIdOptions {
  /** The header read from requests and set on responses. Default `x-request-id`. */
  header?: string;
  /**
   * Take the client's id (or its `traceparent`'s trace id) when it is valid.
   * Default true: a proxy or load balancer in front usually sets it. Set
   * false where clients reach the app directly and could choose their ids.
   */
  trustIncoming?: boolean;
  /** The longest incoming id taken; a longer one is replaced. Default 128. */
  maxLength?: number;
  /** Makes a new id. Default `crypto.randomUUID()`. */
  generate?: () => string;
}

// Letters, digits and `_ - . : + / = @`: UUIDs, ULIDs, base64, Heroku's and
// AWS's ids all fit, and none of these can break a header, a log line or HTML.
const SAFE_ID = /^[\w.:+/=@-]+$/;
// W3C Trace Context: version-traceid-parentid-flags; version ff is invalid.
const TRACEPARENT = /^(?!ff)[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}(?:-|$)/;
const NO_TRACE = "0".repeat(32);
const HEADER_NAME = /^[!#$%&'*+.^_`|~\w-]+$/;

/**
 * Gives every request an id: the incoming `X-Request-Id` when it is short
 * and made of safe characters, else the trace id of a valid `traceparent`,
 * else a new UUID. Sets `ctx.requestId` and the header on every response.
 * @example new App({ routes, outerMiddleware: [requestId()] })
 */
export function requestId(options: RequestIdOptions = {}): Middleware {
  const header = checkHeader(options.header ?? "x-request-id");
  const maxLength = checkMaxLength(options.maxLength ?? 128);
  const trustIncoming = options.trustIncoming ?? true;
  const generate = options.generate ?? (() => crypto.randomUUID());
  if (typeof generate !== "function") throw new TypeError("requestId: generate must be a function");
  const idOf = (request: Request) =>
    (trustIncoming && incomingId(request.headers, header, maxLength)) || generate();
  return (next) => async (request, ctx) => {
    const id = idOf(request);
    ctx.requestId = id;
    return withHeader(await next(request, ctx), header, id);
  };
}

/** The client's id if it is acceptable, else its trace id, else nothing. */
function incomingId(headers: Headers, header: string, maxLength: number): string | undefined {
  const given = headers.get(header);
  if (given !== null && given.length <= maxLength && SAFE_ID.test(given)) return given;
  const traceparent = headers.get("traceparent");
  const traceId = traceparent === null ? undefined : TRACEPARENT.exec(traceparent.trim())?.[1];
  return traceId === NO_TRACE ? undefined : traceId;
}

/**
 * Sets the id on the response. Some responses have immutable headers (a
 * `fetch` response passed through, `Response.redirect`): those are copied
 * around the same body, which keeps streaming as it was.
 */
function withHeader(response: Response, header: string, id: string): Response {
  if (!isResponse(response)) return response; // the outer 500 layer's to answer
  try {
    response.headers.set(header, id);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set(header, id);
    return copy;
  }
}

function checkHeader(header: unknown): string {
  if (typeof header === "string" && HEADER_NAME.test(header)) return header;
  throw new TypeError(`requestId: header must be an HTTP header name, got ${String(header)}`);
}

function checkMaxLength(maxLength: unknown): number {
  if (Number.isInteger(maxLength) && (maxLength as number) > 0) return maxLength as number;
  throw new TypeError(`requestId: maxLength must be a positive integer, got ${String(maxLength)}`);
}
