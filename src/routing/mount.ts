import { RequestContext } from "../context.ts";
import { HTTPException } from "../exceptions.ts";
import { isResponse } from "../layer.ts";
import { describe } from "../middleware/handle.ts";
import type { Context } from "../types.ts";
import type { Mount } from "./route.ts";

/**
 * Hands a request to a mounted target. edgelette apps and routers keep the
 * request and route on what is left of the path; foreign fetch handlers (a
 * Hono app, itty-router…) get a request whose URL path is what is left, as
 * they expect. What a foreign handler throws or rejects with reaches the
 * parent's layers unchanged (a Hono app needs `forwardErrors` from
 * `edgelette/hono` to let its errors out at all).
 */
export async function callMount(
  mount: Mount,
  rest: string,
  prefix: string,
  request: Request,
  ctx: Context,
): Promise<Response> {
  const { target } = mount;
  if (ctx instanceof RequestContext && typeof target === "object" && "handle" in target) {
    // The mounted app routes `rest`, and names its routes under `prefix`,
    // even after its own middleware awaited: restored once it has answered.
    const outer = { path: ctx.mountedPath, prefix: ctx.mountPrefix };
    ctx.mountedPath = rest;
    ctx.mountPrefix = prefix;
    try {
      return await target.handle(request, ctx);
    } finally {
      ctx.mountedPath = outer.path;
      ctx.mountPrefix = outer.prefix;
    }
  }
  const forwarded = withPath(request, rest);
  const executionCtx = ctx instanceof RequestContext ? ctx.executionCtx : ctx;
  const internal = ctx instanceof RequestContext ? ctx.internal : undefined;
  if (internal) internal.upstream = true; // a timeout while it waits here is a 504
  let response: unknown;
  try {
    if (typeof target === "function") response = await target(forwarded, ctx.env, executionCtx);
    else if ("fetch" in target) response = await target.fetch(forwarded, ctx.env, executionCtx);
    else response = await target.handle(forwarded, ctx);
  } finally {
    if (internal) internal.upstream = false;
  }
  if (isResponse(response)) return response;
  throw new TypeError(
    `the handler mounted at ${mount.prefix || "/"} returned ${describe(response)}, not a Response`,
  );
}

/**
 * `request` with its URL path replaced by `rest`, the decoded part the mount
 * leaves. A method the runtime will not put in a `Request` (Deno refuses
 * TRACE and TRACK) is one this server does not implement: a 501, not a bug.
 */
function withPath(request: Request, rest: string): Request {
  const url = new URL(request.url);
  url.pathname = rawTailOf(url.pathname, rest);
  try {
    return new Request(url, request);
  } catch (error) {
    if (FORBIDDEN_METHODS.has(request.method.toUpperCase())) throw new HTTPException(501);
    throw error;
  }
}

// Fetch's forbidden methods (Fetch standard, "forbidden method").
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

/**
 * The end of the raw (percent-encoded) path that decodes to `rest`, so the
 * mounted app sees the encoding the client sent. The prefix may have been
 * stripped by outer mounts already, so this works from the end of the path.
 */
function rawTailOf(rawPath: string, rest: string): string {
  for (
    let slash = rawPath.lastIndexOf("/");
    slash >= 0;
    slash = rawPath.lastIndexOf("/", slash - 1)
  ) {
    const tail = rawPath.slice(slash);
    if (decode(tail) === rest) return tail;
    if (slash === 0) break;
  }
  // Only an encoded "/" (%2F) in the path gets here: let the URL re-encode `rest`.
  return rest;
}

function decode(text: string): string | undefined {
  try {
    return text.includes("%") ? decodeURIComponent(text) : text;
  } catch {
    return undefined;
  }
}
