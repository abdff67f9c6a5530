import { RequestContext } from "../context.ts";
import type { Context } from "../types.ts";
import type { Mount } from "./route.ts";

/**
 * Hands a request to a mounted target. edgelette apps and routers keep the
 * request and route on what is left of the path; foreign fetch handlers get
 * a request whose URL has the prefix stripped, as they expect.
 */
export async function callMount(
  mount: Mount,
  path: string,
  request: Request,
  ctx: Context,
): Promise<Response> {
  const { target } = mount;
  if (ctx instanceof RequestContext && typeof target === "object" && "handle" in target) {
    const outer = ctx.routePath;
    ctx.routePath = path.slice(mount.prefix.length) || "/";
    try {
      return await target.handle(request, ctx);
    } finally {
      ctx.routePath = outer;
    }
  }
  const forwarded = stripPrefix(request, mount.prefix);
  const executionCtx = ctx instanceof RequestContext ? ctx.executionCtx : ctx;
  if (typeof target === "function") return target(forwarded, ctx.env, executionCtx);
  if ("fetch" in target) return target.fetch(forwarded, ctx.env, executionCtx);
  return target.handle(forwarded, ctx);
}

function stripPrefix(request: Request, prefix: string): Request {
  const url = new URL(request.url);
  url.pathname = url.pathname.slice(prefix.length) || "/";
  return new Request(url, request);
}
