import { type Exception, type Span, SpanStatusCode } from "@opentelemetry/api";
import type { RequestObserver } from "../observe.ts";
import type { ReportInfo } from "../reporting.ts";

/** Not a semantic convention (there is none for WebSocket closes yet): our own namespace. */
export const CLOSE_CODE = "edgelette.websocket.close_code";
export const CLOSE_REASON = "edgelette.websocket.close_reason";

/**
 * One request's span, following the request past its response: it ends once
 * the body was sent and every piece of work that outlives the response
 * (background tasks, `waitUntil`, a WebSocket session) settled.
 */
export class RequestSpan implements RequestObserver {
  readonly #span: Span;
  /** The span's name before routing: the method, or `HTTP` for one outside the conventions' list. */
  readonly #method: string;
  #pending = 0;
  #answered = false;
  #ended = false;
  #status: number | undefined;
  /** The errors recorded, so an error that escaped this layer and is then reported counts once. */
  readonly #recorded: unknown[] = [];

  constructor(span: Span, method: string) {
    this.#span = span;
    this.#method = method;
  }

  /** The one reporting point: an unhandled error of this request, once. */
  reported(error: unknown, _info: ReportInfo): void {
    if (this.#ended || this.#recorded.includes(error)) return;
    this.#recorded.push(error);
    this.#span.recordException(asException(error));
    this.#span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) });
    this.#span.setAttribute("error.type", errorType(error));
  }

  continues(work: Promise<unknown>): void {
    this.#pending++;
    const settled = () => {
      this.#pending--;
      this.#endWhenDone();
    };
    work.then(settled, settled);
  }

  /** A WebSocket session: the upgrade answered 101 (whatever placeholder a runtime returned). */
  socketClosed(code: number, reason: string): void {
    this.#status = 101;
    this.#span.setAttribute(CLOSE_CODE, code);
    if (reason) this.#span.setAttribute(CLOSE_REASON, reason);
  }

  /** The response went out; the span ends once `sent` resolves and the pending work settled. */
  answered(response: Response, route: string | undefined, sent: Promise<void>): void {
    this.#named(route);
    this.#status ??= response.status;
    const done = () => {
      this.#answered = true;
      this.#endWhenDone();
    };
    sent.then(done, done);
  }

  /**
   * The layer below rejected: tracing sits inside the 500 layer (in
   * `middleware`), or around a foreign handler. An `HTTPException` below 500
   * is an answer on its way; anything else is the error the 500 layer will
   * report, recorded here once.
   */
  escaped(error: unknown, route: string | undefined, status: number | undefined): void {
    this.#named(route);
    if (status !== undefined && status < 500) this.#status = status;
    else this.reported(error, { kind: "request", route, requestId: undefined });
    this.#answered = true;
    this.#endWhenDone();
  }

  #named(route: string | undefined): void {
    if (route === undefined) return;
    this.#span.setAttribute("http.route", route);
    this.#span.updateName(`${this.#method} ${route}`);
  }

  #endWhenDone(): void {
    if (this.#ended || !this.#answered || this.#pending > 0) return;
    this.#ended = true;
    const status = this.#status;
    if (status !== undefined) {
      this.#span.setAttribute("http.response.status_code", status);
      // A 5xx nobody reported (an HTTPException(503)) is still a failed request.
      if (status >= 500 && this.#recorded.length === 0) {
        this.#span.setStatus({ code: SpanStatusCode.ERROR });
        this.#span.setAttribute("error.type", String(status));
      }
    }
    this.#span.end();
  }
}

/** The error's class, as the semantic conventions ask (`TypeError`, `PaymentFailed`); `_OTHER` for a thrown non-object. */
function errorType(error: unknown): string {
  if (typeof error !== "object" || error === null) return "_OTHER";
  const name = (error as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? name : "_OTHER";
}

function asException(error: unknown): Exception {
  if (error instanceof Error) return error;
  return { name: errorType(error), message: messageOf(error) };
}

function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return "an error that cannot be printed";
  }
}
