import type { Router as HonoRouter } from "hono/router";
import type { Answer, Layer } from "../answer.ts";
import { RequestContext } from "../context.ts";
import { HTTPException, isHTTPException } from "../exceptions.ts";
import { ExceptionMiddleware } from "../middleware/exceptions.ts";
import { RedirectResponse } from "../responses.ts";
import type { Context } from "../types.ts";
import { runWebSocketRoute } from "../websocket/run.ts";
import { callMount } from "./mount.ts";
import { createHonoRouter, findAll } from "./path.ts";
import { type BaseRoute, Mount, Route, WebSocketRoute } from "./route.ts";

type Found =
  | { kind: "route"; route: Route; params: Record<string, unknown> }
  | { kind: "websocket"; route: WebSocketRoute; params: Record<string, unknown> }
  | { kind: "mount"; mount: Mount }
  | { kind: "method"; allowed: ReadonlySet<string> }
  | { kind: "none" };

const NOT_FOUND: Found = { kind: "none" };
const CANONICAL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** `Allow` in the canonical order, then any other methods A–Z (S-ROU-3). */
function allowHeader(allowed: ReadonlySet<string>): string {
  const known = CANONICAL_METHODS.filter((method) => allowed.has(method));
  const others = [...allowed].filter((method) => !CANONICAL_METHODS.includes(method)).sort();
  return [...known, ...others].join(", ");
}

/** The path of a request URL, without parsing the whole URL. */
function rawPathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  const hash = url.indexOf("#", start);
  const end = Math.min(query === -1 ? url.length : query, hash === -1 ? url.length : hash);
  return url.slice(start, end);
}

function decodePath(raw: string): string {
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HTTPException(400, "Malformed percent-encoding in the request path");
  }
}

/** An opening handshake is always a GET (RFC 6455 §4.1): other methods skip the header read. */
function isWebSocketUpgrade(request: Request, method = request.method): boolean {
  return method === "GET" && request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

function toggleTrailingSlash(path: string): string {
  return path.endsWith("/") ? path.slice(0, -1) : `${path}/`;
}

export interface RouterOptions {
  /** Redirect (307) `/a/` to `/a` and back when only the other form exists. Default true. */
  redirectSlashes?: boolean;
}

/**
 * Matches requests to routes with Hono's router, converts parameters, and
 * throws `HTTPException` 404/405/400 for the exception layers to answer.
 * @example new Router([new Route("/", home), new Mount("/api", api)])
 */
export class Router {
  readonly #routes: BaseRoute[] = [];
  readonly #redirectSlashes: boolean;
  #matcher: HonoRouter<BaseRoute> | undefined;
  /**
   * Whether adding a trailing slash to a path could make it match: only a
   * route written with one, a `path` parameter or a mount can. When none can,
   * a miss without one (the usual 404) skips the redirect's second lookup.
   */
  #slashAddedCanMatch = true;
  #standalone: ExceptionMiddleware | undefined;

  constructor(routes: readonly BaseRoute[] = [], options: RouterOptions = {}) {
    this.#redirectSlashes = options.redirectSlashes ?? true;
    for (const route of routes) this.add(route);
  }

  get routes(): readonly BaseRoute[] {
    return this.#routes;
  }

  /** Adds a route; it is matched from the next request on. */
  add(route: BaseRoute): void {
    if (!(route instanceof Route || route instanceof WebSocketRoute || route instanceof Mount)) {
      throw new TypeError("a router holds Route, WebSocketRoute and Mount objects only");
    }
    this.#routes.push(route);
    this.#matcher = undefined; // Hono's routers are sealed once matched: rebuild lazily
  }

  readonly handle: Layer = (request: Request, ctx: Context) => {
    const answer = this.routeOrMiss(request, ctx);
    if (isHTTPException(answer)) throw answer;
    return answer;
  };

  /**
   * @internal Routes the request, or returns the 404 or 405 it raises rather
   * than throwing it: under `Deno.serve` a throw costs 1–4 µs even when caught
   * at once (measured with wrk), so the exception layer right outside takes
   * them this way. They are still `HTTPException`s answered by the handler table.
   */
  routeOrMiss(request: Request, ctx: Context): Answer | HTTPException {
    const target = this.dispatch(request, ctx);
    if (!(target instanceof Route)) return target;
    return target.finish(request, target.endpoint(request, ctx));
  }

  /**
   * @internal As `routeOrMiss`, but an HTTP route that matched is returned,
   * its parameters set on `ctx`, for the caller to run: the exception layer
   * right outside calls the endpoint in its own frame. V8 records up to ten
   * frames in every `Error` an endpoint creates, at about 0.2 µs each.
   */
  dispatch(request: Request, ctx: Context): Route | Answer | HTTPException {
    const path = this.#pathOf(request, ctx);
    const found = this.#find(path, request);
    switch (found.kind) {
      case "route":
        ctx.params = found.params;
        return found.route;
      case "websocket":
        ctx.params = found.params;
        return runWebSocketRoute(found.route, request, ctx);
      case "mount":
        if (found.mount.target instanceof Router && ctx instanceof RequestContext) {
          return found.mount.target.#routeMounted(
            path.slice(found.mount.prefix.length),
            request,
            ctx,
          );
        }
        return callMount(found.mount, path, request, ctx);
      case "method":
        return new HTTPException(405, undefined, { allow: allowHeader(found.allowed) });
      case "none":
        return this.#redirectOrNotFound(path, request);
    }
  }

  /**
   * A router mounted in another routes what is left of the path at once, and
   * returns its misses as the outer one does: no promise and no throw per
   * request. The path is restored once the answer is complete, because a
   * mounted app below may route only after its middleware awaited.
   */
  #routeMounted(rest: string, request: Request, ctx: RequestContext): Answer | HTTPException {
    const outer = ctx.routePath;
    ctx.routePath = rest || "/";
    let answer: Answer | HTTPException;
    try {
      answer = this.routeOrMiss(request, ctx);
    } catch (error) {
      ctx.routePath = outer;
      throw error;
    }
    if (answer instanceof Promise) {
      return answer.finally(() => {
        ctx.routePath = outer;
      });
    }
    ctx.routePath = outer;
    return answer;
  }

  /** A router used on its own answers 404/405 itself, with the default handlers. */
  readonly fetch = async (request: Request, env?: unknown, executionCtx?: unknown) => {
    this.#standalone ??= new ExceptionMiddleware(this);
    return this.#standalone.handle(request, new RequestContext(request, env, executionCtx));
  };

  #pathOf(request: Request, ctx: Context): string {
    const mounted = (ctx as Partial<RequestContext>).routePath;
    return mounted ?? decodePath(rawPathOf(request.url));
  }

  // Routes are tried in order: the first full match wins; routes that match
  // the path but not the method only contribute to a 405's `Allow`. Whether
  // the request is an upgrade is read only once a route needs it: the first
  // read of `request.headers` costs 0.1–0.3 µs (Bun, Deno), and a path nothing
  // serves (scanners, typos) need not pay it.
  #find(path: string, request: Request, upgrade?: boolean): Found {
    const method = request.method; // a getter into the runtime on Deno: read it once
    let allowed: Set<string> | undefined;
    const [matches, stash] = findAll(this.#matcherFor(), path);
    for (const [route, params] of matches) {
      if (route instanceof Mount) return { kind: "mount", mount: route };
      upgrade ??= isWebSocketUpgrade(request, method);
      if (route instanceof WebSocketRoute !== upgrade) continue;
      const converted = route.compiled.convert(params, stash);
      if (converted === undefined) continue;
      if (route instanceof WebSocketRoute) return { kind: "websocket", route, params: converted };
      if (route.methods.has(method)) return { kind: "route", route, params: converted };
      allowed ??= new Set();
      for (const each of route.methods) allowed.add(each);
    }
    return allowed ? { kind: "method", allowed } : NOT_FOUND;
  }

  // An upgrade is never redirected: it is a 404 like any other miss (S-WS-5).
  #redirectOrNotFound(path: string, request: Request): Response | HTTPException {
    if (this.#redirectSlashes && path !== "/" && (path.endsWith("/") || this.#slashAddedCanMatch)) {
      const other = this.#find(toggleTrailingSlash(path), request, false);
      if (other.kind !== "none" && !isWebSocketUpgrade(request)) {
        const url = new URL(request.url);
        url.pathname = toggleTrailingSlash(url.pathname);
        return new RedirectResponse(url.pathname + url.search);
      }
    }
    return new HTTPException(404);
  }

  #matcherFor(): HonoRouter<BaseRoute> {
    if (this.#matcher) return this.#matcher;
    const matcher = createHonoRouter<BaseRoute>();
    for (const route of this.#routes) {
      if (route instanceof Mount) {
        if (route.prefix) matcher.add("ALL", route.prefix, route);
        matcher.add("ALL", `${route.prefix}/*`, route);
      } else {
        matcher.add("ALL", route.compiled.pattern, route);
      }
    }
    this.#slashAddedCanMatch = this.#routes.some(
      (route) =>
        route instanceof Mount ||
        (route.path !== "/" &&
          (route.compiled.pattern.endsWith("/") || route.compiled.pattern.includes(".*"))),
    );
    this.#matcher = matcher;
    return matcher;
  }
}
