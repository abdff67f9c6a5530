import { rawPathOf } from "../routing/request-path.ts";

/**
 * No request hangs forever unnoticed: an app that has not answered within
 * `requestTimeout` gets a 503 in its place, and the stuck request is
 * reported once. Shutdown uses the same guard to end requests it gave up on,
 * where the runtime cannot cut a connection itself (Deno).
 */

/** Default `requestTimeout` for `serve()`, in ms: until the response starts, not its streamed body. */
export const DEFAULT_REQUEST_TIMEOUT = 30_000;

/** What the report says when a request got no answer in time; `request` is the stuck one. */
export class RequestTimeoutError extends Error {
  override name = "RequestTimeoutError";
  readonly request: Request;
  /** The matched route pattern, where an `App` knew it. */
  readonly route: string | undefined;

  constructor(message: string, request: Request, route?: string) {
    super(message);
    this.request = request;
    this.route = route;
  }
}

/** What is known of a stuck request when its deadline passes. */
export interface StuckRequest {
  /** The matched route pattern, if routing got that far. */
  route?: string;
  /** It waits on a mounted fetch handler (an upstream): the answer is a 504. */
  upstream?: boolean;
}

const PHRASES: Record<number, string> = { 503: "Service Unavailable", 504: "Gateway Timeout" };

function timeoutResponse(status: 503 | 504, closeConnection = false): Response {
  const headers = new Headers({ "content-type": "text/plain;charset=UTF-8" });
  if (closeConnection) headers.set("connection", "close");
  return new Response(PHRASES[status], { status, headers });
}

/** A request's path, without a query that could carry secrets into the logs. */
function describe(request: Request): string {
  return `${request.method} ${rawPathOf(request.url)}`;
}

/** The pending answers of one server: each ends at its deadline, or when shutdown gives up. */
export class Deadlines {
  readonly #timeout: number;
  readonly #report: (error: unknown) => void;
  readonly #pending = new Set<(response: Response) => void>();

  /** `timeout` 0 turns the timeout off; shutdown can still end pending answers. */
  constructor(timeout: number, report: (error: unknown) => void) {
    if (!(Number.isInteger(timeout) && timeout >= 0)) {
      throw new RangeError(`requestTimeout must be a whole number of ms (0 = off), got ${timeout}`);
    }
    this.#timeout = timeout;
    this.#report = report;
  }

  /**
   * The app's answer, or a 503 (504 when `stuck()` says an upstream holds it)
   * if it takes longer than the timeout. An answer at once costs nothing.
   */
  guard(
    request: Request,
    answer: Response | Promise<Response>,
    stuck?: () => StuckRequest,
    report: (error: RequestTimeoutError) => void = this.#report,
  ): Response | Promise<Response> {
    if (answer instanceof Response) return answer;
    return new Promise((resolve) => {
      let settled = false;
      const settle = (response: Response) => {
        if (settled) return void response.body?.cancel().catch(() => {});
        settled = true;
        clearTimeout(timer);
        this.#pending.delete(settle);
        resolve(response);
      };
      const timer =
        this.#timeout > 0
          ? setTimeout(() => {
              const { route, upstream } = stuck?.() ?? {};
              const status = upstream ? 504 : 503;
              report(this.#timedOut(request, status, route));
              settle(timeoutResponse(status));
            }, this.#timeout)
          : undefined;
      this.#pending.add(settle);
      answer.then(settle);
    });
  }

  /** Ends every pending answer with a 503 (`Connection: close`): shutdown stopped waiting. */
  giveUp(): void {
    for (const settle of [...this.#pending]) settle(timeoutResponse(503, true));
  }

  #timedOut(request: Request, status: number, route: string | undefined): RequestTimeoutError {
    const where = route === undefined ? "" : ` (route ${route})`;
    return new RequestTimeoutError(
      `${describe(request)}${where} got no answer within ${this.#timeout} ms ` +
        `(requestTimeout): answered ${status}`,
      request,
      route,
    );
  }
}
