import { isResponse } from "../layer.ts";
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

/** Node's, Bun's and Deno's timers can stop holding the process; workerd's is a number. */
type Timer = ReturnType<typeof setTimeout> & { ref?(): unknown; unref?(): unknown };

/** An answer the app still owes, until it comes or its deadline passes. */
class PendingAnswer {
  readonly due: number;
  /** Its own timer, where each request keeps one (`timerPerRequest`). */
  timer: Timer | undefined;
  #resolve: ((response: Response) => void) | undefined;

  constructor(
    readonly request: Request,
    resolve: (response: Response) => void,
    readonly stuck: (() => StuckRequest) | undefined,
    readonly report: (error: RequestTimeoutError) => void,
    timeout: number,
  ) {
    this.due = Date.now() + timeout;
    this.#resolve = resolve;
  }

  /** True the first time; a response that comes after the 503 is discarded. */
  settle(response: Response): boolean {
    const resolve = this.#resolve;
    if (resolve === undefined) {
      void response.body?.cancel().catch(() => {});
      return false;
    }
    this.#resolve = undefined;
    resolve(response);
    return true;
  }
}

/**
 * The pending answers of one server: each ends at its deadline, or when shutdown gives up.
 * One timeout for all means the oldest pending answer is always due first, so one timer,
 * set for it, serves them all: a timer per request cost Deno a sixth of a `POST`'s time.
 * An `App` runs on workerd too, where a timer runs in the context of the request that set
 * it and is dropped when that request ends: there each request keeps its own.
 */
export class Deadlines {
  readonly #timeout: number;
  readonly #report: (error: unknown) => void;
  /** Oldest first (a `Set` keeps insertion order): the first one is due first. */
  readonly #pending = new Set<PendingAnswer>();
  readonly #keepTimer: boolean;
  readonly #timerPerRequest: boolean;
  #timer: Timer | undefined;
  /** The kept timer is unref'd: nothing is pending, so it may not keep the process alive. */
  #idle = false;

  /**
   * `timeout` 0 turns the timeout off; shutdown can still end pending answers.
   * `keepTimer`: keep the timer, unref'd, between requests; the owner calls `stop()` when it closes.
   * `timerPerRequest`: each request sets its own timer (an `App`, which may run on workerd).
   */
  constructor(
    timeout: number,
    report: (error: unknown) => void,
    { keepTimer = false, timerPerRequest = false } = {},
  ) {
    if (!(Number.isInteger(timeout) && timeout >= 0)) {
      throw new RangeError(`requestTimeout must be a whole number of ms (0 = off), got ${timeout}`);
    }
    this.#timeout = timeout;
    this.#report = report;
    this.#keepTimer = keepTimer;
    this.#timerPerRequest = timerPerRequest;
  }

  /** Clears the timer (a server closed): a test's leak check finds none, and nothing waits on it. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#idle = false;
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
    if (isResponse(answer)) return answer;
    return new Promise((resolve) => {
      const pending = new PendingAnswer(request, resolve, stuck, report, this.#timeout);
      this.#pending.add(pending);
      if (this.#timeout > 0) this.#watch(pending);
      answer.then((response) => this.#settle(pending, response));
    });
  }

  #settle(pending: PendingAnswer, response: Response): void {
    if (!pending.settle(response)) return;
    clearTimeout(pending.timer);
    this.#pending.delete(pending);
    if (this.#pending.size === 0) this.#rest();
  }

  /** A timer is due no later than the newest answer: its own, the shared one there is, or a new one. */
  #watch(pending: PendingAnswer): void {
    if (this.#timerPerRequest) {
      pending.timer = setTimeout(() => this.#timeOut(pending), this.#timeout) as Timer;
    } else if (this.#timer === undefined) this.#wakeIn(this.#timeout);
    else if (this.#idle) {
      this.#idle = false;
      this.#timer.ref?.();
    }
  }

  /**
   * Nothing is pending: the timer may not keep the process waiting. A server
   * keeps it, unref'd, for the next request: a `POST` often ends before the next
   * one starts, and setting a timer and clearing it again cost Deno about 2 µs.
   */
  #rest(): void {
    const timer = this.#timer;
    if (timer === undefined || this.#idle) return;
    if (this.#keepTimer && timer.unref) {
      timer.unref();
      this.#idle = true;
    } else this.stop(); // workerd's timer is a number, and holds no process
  }

  #wakeIn(delay: number): void {
    this.#idle = false;
    this.#timer = setTimeout(this.#expire, delay) as Timer;
  }

  /** Answers every pending request that is due, then sleeps until the next one is. */
  readonly #expire = (): void => {
    this.#timer = undefined;
    this.#idle = false;
    try {
      for (const pending of this.#pending) {
        if (pending.due > Date.now()) break;
        this.#timeOut(pending);
      }
    } finally {
      // Even if a reporter threw: the requests still waiting keep their deadlines.
      const next = this.#pending.values().next();
      if (!next.done) this.#wakeIn(Math.max(1, next.value.due - Date.now()));
    }
  };

  #timeOut(pending: PendingAnswer): void {
    const { route, upstream } = pending.stuck?.() ?? {};
    const status = upstream ? 504 : 503;
    try {
      pending.report(this.#timedOut(pending.request, status, route));
    } finally {
      this.#settle(pending, timeoutResponse(status));
    }
  }

  /** Ends every pending answer with a 503 (`Connection: close`): shutdown stopped waiting. */
  giveUp(): void {
    for (const pending of [...this.#pending]) this.#settle(pending, timeoutResponse(503, true));
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
