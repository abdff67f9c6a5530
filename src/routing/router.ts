import type { Router as HonoRouter } from "hono/router";
import { RequestContext } from "../context.ts";
import { HTTPException } from "../exceptions.ts";
import type { Answer } from "../layer.ts";
import { ExceptionMiddleware } from "../middleware/exceptions.ts";
import { RedirectResponse } from "../responses.ts";
import { type Found, MATCHER, type Matcher } from "./found.ts";
import { createHonoRouter, findAll, type Matches } from "./path.ts";
import { requestPath } from "./request-path.ts";
import { type BaseRoute, Mount, Route, WebSocketRoute } from "./route.ts";

const CANONICAL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** `Allow` in the canonical order, then any other methods A–Z (S-ROU-3). */
function allowHeader(allowed: ReadonlySet<string>): string {
  const known = CANONICAL_METHODS.filter((method) => allowed.has(method));
  const others = [...allowed].filter((method) => !CANONICAL_METHODS.includes(method)).sort();
  return [...known, ...others].join(", ");
}

/** An opening handshake is always a GET (RFC 6455 §4.1): other methods skip the header read. */
function isWebSocketUpgrade(request: Request, method: string): boolean {
  return method === "GET" && request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

/** One route Hono matched, with its raw parameters. */
type Match = Matches<BaseRoute>[0][number];

function hasWebSocketRoute(matches: readonly Match[]): boolean {
  for (let index = 0; index < matches.length; index++) {
    if ((matches[index] as Match)[0] instanceof WebSocketRoute) return true;
  }
  return false;
}

function toggleTrailingSlash(path: string): string {
  return path.endsWith("/") ? path.slice(0, -1) : `${path}/`;
}

function miss(answer: HTTPException | Response): Found {
  return { kind: "miss", answer };
}

export interface RouterOptions {
  /** Redirect (307) `/a/` to `/a` and back when only the other form exists. Default true. */
  redirectSlashes?: boolean;
}

/**
 * Matches requests to routes with Hono's router and converts parameters. It
 * answers nothing itself: the exception layer runs what it found (S-ROU-2).
 * @example new Router([new Route("/", home), new Mount("/api", api)])
 */
export class Router implements Matcher {
  readonly [MATCHER] = true as const;
  readonly #routes: BaseRoute[] = [];
  readonly #redirectSlashes: boolean;
  #matcher: HonoRouter<BaseRoute> | undefined;
  /**
   * Whether adding a trailing slash to a path could make it match: only a
   * route written with one, a `path` parameter or a mount can. When none can,
   * a miss without one (the usual 404) skips the redirect's second lookup.
   */
  #slashAddedCanMatch = true;
  #hasWebSocketRoutes = false;
  /**
   * Paths served only by HTTP routes without parameters (`/`, `/health`,
   * `/admin`), each with its route per method: what Hono's lookup and the loop
   * below would find for that path. Indexed by length, and compared rather than
   * hashed: a map read hashes the whole fresh path (50–60 ns for `/boom` on Bun
   * and Deno), a comparison with the few static paths of its length costs
   * 20–25 ns, and most other paths (`/users/42`, a 404) have a length no static
   * path has (measured on fresh request URLs).
   */
  #static: (readonly StaticPath[] | undefined)[] = [];
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

  /** A router used on its own answers 404/405 itself, with the default handlers (S-ROU-2). */
  readonly fetch = (request: Request, env?: unknown, executionCtx?: unknown): Answer => {
    this.#standalone ??= new ExceptionMiddleware(this);
    return this.#standalone.handle(request, new RequestContext(request, env, executionCtx));
  };

  /**
   * Finds what serves `request` at `path` (default: the request's own path).
   * A mounted router is entered at once; `prefix` is what mounts joined so far.
   */
  match(request: Request, path?: string, prefix = ""): Found {
    if (path === undefined) {
      const routable = requestPath(request.url);
      if (typeof routable !== "string") return miss(new HTTPException(400, routable.unroutable));
      path = routable;
    }
    return this.#find(path, request, prefix) ?? this.#redirectOrNotFound(path, request);
  }

  // Routes are tried in order: the first full match wins; routes that match
  // the path but not the method only add to a 405's `Allow`. `Upgrade` is read
  // only where a WebSocket route matches the path (S-WS-5): the header read
  // costs 0.1–0.3 µs (Bun, Deno), and an HTTP-only path never pays it.
  #find(path: string, request: Request, prefix: string): Found | undefined {
    const method = request.method; // a getter into the runtime on Deno: read it once
    const matcher = this.#matcherFor();
    const found = staticRoute(this.#static[path.length], path, method);
    if (found !== undefined)
      return prefix === "" ? found : { ...found, pattern: prefix + found.pattern };
    // Indexed reads, no destructuring, on every request's path: on Deno, for-of and `[a, b] =`
    // allocated iterators per request (a path parameter: 2,883 → 2,196 heap bytes, alloc mode).
    const matched = findAll(matcher, path);
    const matches = matched[0];
    const stash = matched[1];
    const upgrade =
      this.#hasWebSocketRoutes && hasWebSocketRoute(matches) && isWebSocketUpgrade(request, method);
    let allowed: Set<string> | undefined;
    for (let index = 0; index < matches.length; index++) {
      const match = matches[index] as Match;
      const route = match[0];
      const params = match[1];
      if (route instanceof Mount) return this.#enter(route, path, request, prefix);
      if (route instanceof WebSocketRoute !== upgrade) continue;
      const converted = route.compiled.convert(params, stash);
      if (converted === undefined) continue;
      const pattern = prefix + route.path;
      if (route instanceof WebSocketRoute) {
        return { kind: "websocket", route, params: converted, pattern };
      }
      if (route.methods.has(method)) {
        return { kind: "route", route, params: converted, pattern, method };
      }
      allowed ??= new Set();
      for (const each of route.methods) allowed.add(each);
    }
    if (!allowed) return undefined;
    return miss(new HTTPException(405, undefined, { allow: allowHeader(allowed) }));
  }

  /** A mounted router matches the rest of the path at once; anything else is run by the caller. */
  #enter(mount: Mount, path: string, request: Request, prefix: string): Found {
    const rest = path.slice(mount.prefix.length) || "/";
    const joined = prefix + mount.prefix;
    if (mount.target instanceof Router) return mount.target.match(request, rest, joined);
    return { kind: "mount", mount, rest, prefix: joined };
  }

  #redirectOrNotFound(path: string, request: Request): Found {
    if (this.#redirectSlashes && path !== "/" && (path.endsWith("/") || this.#slashAddedCanMatch)) {
      if (this.#servesHttp(toggleTrailingSlash(path))) {
        const url = new URL(request.url);
        url.pathname = toggleTrailingSlash(url.pathname);
        return miss(new RedirectResponse(url.pathname + url.search));
      }
    }
    return miss(new HTTPException(404));
  }

  /** Whether an HTTP route or a mount serves `path`, whatever the method. */
  #servesHttp(path: string): boolean {
    const [matches, stash] = findAll(this.#matcherFor(), path);
    for (const [route, params] of matches) {
      if (route instanceof Mount) return true;
      const serves = route instanceof Route && route.compiled.convert(params, stash) !== undefined;
      if (serves) return true;
    }
    return false;
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
    this.#hasWebSocketRoutes = this.#routes.some((route) => route instanceof WebSocketRoute);
    this.#static = byLength(staticPaths(matcher, this.#routes));
    this.#matcher = matcher;
    return matcher;
  }
}

/** What a static path's route is found as: one per method, shared by every request (no params). */
type StaticFound = Extract<Found, { kind: "route" }>;

/**
 * A path only parameterless HTTP routes serve, with what each method finds
 * there, built once: a `Found` and its `params` per request were two objects
 * on every static request (Bun: `GET /` 0.94×, a thrown `Error` 0.96×).
 */
interface StaticPath {
  readonly path: string;
  readonly byMethod: ReadonlyMap<string, StaticFound>;
}

function staticRoute(
  candidates: readonly StaticPath[] | undefined,
  path: string,
  method: string,
): StaticFound | undefined {
  if (candidates === undefined) return undefined;
  // Indexed (see `#find`): a for-of here added ~90 heap bytes to every `GET /` on Deno.
  for (let index = 0; index < candidates.length; index++) {
    const each = candidates[index] as StaticPath;
    if (each.path === path) return each.byMethod.get(method);
  }
  return undefined;
}

function byLength(paths: ReadonlyMap<string, ReadonlyMap<string, Route>>): StaticPath[][] {
  const lists: StaticPath[][] = [];
  for (const [path, routes] of paths) {
    const byMethod = new Map<string, StaticFound>();
    for (const [method, route] of routes) {
      byMethod.set(method, {
        kind: "route",
        route,
        params: undefined,
        pattern: route.path,
        method,
      });
    }
    const sameLength = lists[path.length] ?? [];
    sameLength.push({ path, byMethod });
    lists[path.length] = sameLength;
  }
  return lists;
}

/**
 * For each parameterless route's own path: the route each method gets there,
 * when everything Hono matches at that path is an HTTP route without
 * parameters (first listed wins, as in `#find`). A path where a WebSocket
 * route, a mount or a parameter also matches is left to the full lookup, and
 * so is a method no route there serves (the 405).
 */
function staticPaths(
  matcher: HonoRouter<BaseRoute>,
  routes: readonly BaseRoute[],
): Map<string, ReadonlyMap<string, Route>> {
  const paths = new Map<string, ReadonlyMap<string, Route>>();
  for (const candidate of routes) {
    if (!(candidate instanceof Route) || candidate.compiled.paramNames.length > 0) continue;
    if (paths.has(candidate.path)) continue;
    const [matches, stash] = findAll(matcher, candidate.path);
    const byMethod = new Map<string, Route>();
    const plain = matches.every(([route, params]) => {
      if (!(route instanceof Route)) return false;
      const converted = route.compiled.convert(params, stash);
      if (converted === undefined || Object.keys(converted).length > 0) return false;
      for (const method of route.methods) if (!byMethod.has(method)) byMethod.set(method, route);
      return true;
    });
    if (plain && byMethod.size > 0) paths.set(candidate.path, byMethod);
  }
  return paths;
}
