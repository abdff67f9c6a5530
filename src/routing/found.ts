import type { HTTPException } from "../exceptions.ts";
import type { Mount, Route, WebSocketRoute } from "./route.ts";

/**
 * What a router found for a request. A miss is an answer, not a throw: under
 * `Deno.serve` a throw costs 1–4 µs even when caught at once (measured with
 * wrk), and a 404 is the most common answer a scanner gets.
 */
export type Found =
  /**
   * `method` is the request's, read once (see `Route.finish`). `params` is
   * undefined for a path without parameters: `ctx.params` is then made on first read.
   */
  | {
      kind: "route";
      route: Route;
      params: Record<string, unknown> | undefined;
      pattern: string;
      method: string;
    }
  | { kind: "websocket"; route: WebSocketRoute; params: Record<string, unknown>; pattern: string }
  /** A mounted app or fetch handler, with the path it is handed and the prefixes joined. */
  | { kind: "mount"; mount: Mount; rest: string; prefix: string }
  /** 404, 405 with `Allow`, 400 for an unroutable path, or a trailing-slash redirect. */
  | { kind: "miss"; answer: HTTPException | Response };

/** Marks a `Router`, so the exception layers can run one without importing its module. */
export const MATCHER = Symbol.for("edgelette.router");

/** What the exception layers need of a router. */
export interface Matcher {
  readonly [MATCHER]: true;
  match(request: Request, path?: string, prefix?: string): Found;
}

export function isMatcher(value: unknown): value is Matcher {
  return typeof value === "object" && value !== null && MATCHER in value;
}
