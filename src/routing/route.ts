import { withBackgroundOf } from "../background.ts";
import { type Answer, isResponse, type Layer } from "../layer.ts";
import { PlainTextResponse } from "../responses.ts";
import { firstChunk, PulledResponse } from "../streaming.ts";
import type { Endpoint, WebSocketEndpoint } from "../types.ts";
import {
  type RouteEndpoint,
  type RouteSchemas,
  withValidation,
} from "../validation/route-inputs.ts";
import type { WebSocketLimits } from "../websocket/session.ts";
import { type CompiledPath, compilePath } from "./path.ts";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function normaliseMethods(methods: readonly string[]): ReadonlySet<string> {
  const upper = new Set<string>();
  for (const method of methods) {
    if (typeof method !== "string" || !TOKEN.test(method)) {
      throw new TypeError(
        `route method must be an HTTP token such as "GET", got ${String(method)}`,
      );
    }
    upper.add(method.toUpperCase());
  }
  // A route that answers GET also answers HEAD (S-ROU-6).
  if (upper.has("GET")) upper.add("HEAD");
  return upper;
}

export interface RouteOptions extends RouteSchemas {
  /** Methods this route answers; `GET` (and so `HEAD`) by default. */
  methods?: readonly string[];
}

/**
 * An HTTP endpoint at a path with typed parameters. Schemas named in the
 * options (`body`, `query`, `params`, `headers`) are validated before the
 * endpoint runs, which finds their outputs on `ctx.valid`.
 * @example new Route("/users/{id:int}", (req, ctx) => new JSONResponse({ id: ctx.params.id }))
 * @example new Route("/users", (req, ctx) => create(ctx.valid.body), { methods: ["POST"], body: NewUser })
 */
export class Route<S extends RouteSchemas = Record<never, never>> {
  readonly path: string;
  readonly methods: ReadonlySet<string>;
  readonly endpoint: Endpoint;
  /** @internal */
  readonly compiled: CompiledPath;

  constructor(path: string, endpoint: RouteEndpoint<S>, options?: RouteOptions & S) {
    if (typeof endpoint !== "function") {
      throw new TypeError(`the endpoint for route ${path} must be a function`);
    }
    options ??= {} as RouteOptions & S;
    this.compiled = compilePath(path);
    this.path = path;
    this.endpoint = withValidation(path, endpoint as Endpoint, options);
    this.methods = normaliseMethods(options.methods ?? ["GET"]);
  }

  /**
   * @internal What the endpoint answered, checked: at once when it answered at
   * once (most do). The layer that runs the route calls the endpoint in its
   * own frame and hands the answer here: every `Error` the endpoint creates
   * records one framework frame fewer (V8 records up to ten, ~0.2 µs each).
   * `method` is the request's, as the router read it: on Deno each read of
   * `request.method` is a call into the runtime.
   */
  finish(method: string, answer: ReturnType<Endpoint>): Answer {
    if (isResponse(answer)) return this.#finish(method, answer);
    return Promise.resolve(answer).then((response) => this.#finish(method, response));
  }

  /**
   * Insists on a `Response`; a HEAD served by GET keeps status and headers,
   * drops the body. A streamed response is answered once its first chunk
   * exists: what its producer throws before that rejects here, as a throw
   * from the endpoint would (S-STR-1).
   */
  #finish(method: string, response: unknown): Answer {
    if (!isResponse(response)) {
      throw new TypeError(
        `the endpoint for ${method} ${this.path} returned ${typeof response}, not a Response`,
      );
    }
    if (response instanceof PulledResponse) return this.#started(method, response);
    if (method !== "HEAD" || response.body === null) return response;
    return withoutBody(response);
  }

  async #started(method: string, response: PulledResponse<unknown>): Promise<Response> {
    await firstChunk(response);
    return method === "HEAD" ? withoutBody(response) : response;
  }
}

/** Status and headers kept, body dropped, background tasks kept (S-ROU-6, S-BG-1). */
async function withoutBody(response: Response): Promise<Response> {
  await response.body?.cancel();
  const head = new Response(null, response);
  // Bun types a string body only as it sends it: without the body, say what it would have.
  if (response instanceof PlainTextResponse && !head.headers.has("content-type")) {
    head.headers.set("content-type", "text/plain;charset=UTF-8");
  }
  return withBackgroundOf(response, head);
}

/**
 * A WebSocket endpoint at a path; matched only by upgrade requests.
 * @example new WebSocketRoute("/ws", async (ws) => { await ws.accept(); ... })
 */
export class WebSocketRoute {
  readonly path: string;
  readonly endpoint: WebSocketEndpoint;
  readonly limits: WebSocketLimits;
  /** @internal */
  readonly compiled: CompiledPath;

  constructor(path: string, endpoint: WebSocketEndpoint, limits: WebSocketLimits = {}) {
    if (typeof endpoint !== "function") {
      throw new TypeError(`the endpoint for WebSocket route ${path} must be a function`);
    }
    checkLimits(path, limits);
    this.compiled = compilePath(path);
    this.path = path;
    this.endpoint = endpoint;
    this.limits = limits;
  }
}

function checkLimits(path: string, limits: WebSocketLimits): void {
  for (const [name, value] of Object.entries(limits)) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new RangeError(
        `WebSocketRoute ${path}: ${name} must be a positive integer, got ${value}`,
      );
    }
  }
}

/** What a `Mount` can hold: an edgelette app or router, or any fetch handler. */
export type MountTarget =
  | { handle: Layer }
  | { fetch(request: Request, env?: unknown, executionCtx?: unknown): Response | Promise<Response> }
  | ((request: Request, env?: unknown, executionCtx?: unknown) => Response | Promise<Response>);

/**
 * Serves everything under a static prefix from another app, router or fetch handler.
 * @example new Mount("/api", apiRouter)
 */
export class Mount {
  readonly prefix: string;
  readonly target: MountTarget;

  constructor(prefix: string, target: MountTarget) {
    if (typeof prefix !== "string" || !prefix.startsWith("/") || /[{}*:]/.test(prefix)) {
      throw new TypeError(
        `Mount prefix must be a static path starting with "/", got ${String(prefix)}`,
      );
    }
    const isTarget =
      typeof target === "function" ||
      (typeof target === "object" &&
        target !== null &&
        (typeof (target as { handle?: unknown }).handle === "function" ||
          typeof (target as { fetch?: unknown }).fetch === "function"));
    if (!isTarget) {
      throw new TypeError(
        `Mount target for ${prefix} must be an app, a router, or a fetch handler`,
      );
    }
    this.prefix = prefix.replace(/\/+$/, "");
    this.target = target;
  }
}

export type BaseRoute = Route | WebSocketRoute | Mount;
