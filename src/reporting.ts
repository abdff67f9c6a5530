import type { Context, ExecutionContextLike } from "./types.ts";

/**
 * Where an unhandled error happened: while answering the request (a 500, or a
 * 500 denial of a WebSocket upgrade), in a streamed body after the status went
 * out, in background work, in a WebSocket endpoint after `accept()`, or in a
 * Durable Object room's hook.
 */
export type FailureKind = "request" | "stream" | "background" | "websocket" | "room";

/** What a reporter knows beyond the error and the request, so it needs no guessing. */
export interface ReportInfo {
  kind: FailureKind;
  /** The matched route pattern (`ctx.route`); undefined on a miss, or outside routing (rooms). */
  route: string | undefined;
  /** `ctx.requestId`, when the `requestId()` middleware (or your own) set one. */
  requestId: string | undefined;
}

/**
 * Receives every unhandled error exactly once. A two-argument function is a
 * reporter too: `(error, request) => …` keeps working. One that sends the
 * report somewhere may return its promise: the app keeps the request alive
 * until it settles (`waitUntil`), which Workers need once the response is out.
 */
export type ErrorReporter = (error: unknown, request: Request, info: ReportInfo) => unknown;

/** The default reporter: the error with its stack on stderr. */
export const consoleReporter: ErrorReporter = (error, request) => {
  console.error(`edgelette: unhandled error in ${request.method} ${request.url}\n`, error);
};

/** The info for a failure of `kind`, with what `ctx` knows (nothing, without one). */
export function infoOf(kind: FailureKind, ctx?: Partial<Context>): ReportInfo {
  return { kind, route: ctx?.route, requestId: ctx?.requestId };
}

/**
 * Where a request keeps the errors already reported for it (`RequestInternals`):
 * the first in a field, any others in a list. Most failing requests report one
 * error, and a list for it cost about 4% of a thrown-`Error` request on Deno
 * (an array, its backing store and a generic `includes`).
 */
export interface ReportLedger {
  firstReported: unknown;
  moreReported: unknown[] | undefined;
}

// Per request: the same error object thrown by two requests is two failures.
// A request's context keeps its own ledger: a weak map entry per failing
// request added measurably to garbage collection under load on Deno. Callers
// without a context (a Durable Object's socket hooks) get a ledger per request.
const ledgers = new WeakMap<Request, ReportLedger>();

function ledgerOf(request: Request): ReportLedger {
  let ledger = ledgers.get(request);
  if (ledger === undefined) {
    ledger = { firstReported: undefined, moreReported: undefined };
    ledgers.set(request, ledger);
  }
  return ledger;
}

// Only objects are tracked: a thrown string or number is the same value each
// time, yet each throw is its own failure.
function alreadyReported(error: unknown, ledger: ReportLedger): boolean {
  if (typeof error !== "object" || error === null) return false;
  if (ledger.firstReported === undefined) {
    ledger.firstReported = error;
    return false;
  }
  if (ledger.firstReported === error) return true;
  ledger.moreReported ??= [];
  if (ledger.moreReported.includes(error)) return true;
  ledger.moreReported.push(error);
  return false;
}

/**
 * Calls `reporter` unless this request already reported this error object;
 * true when it did. A reporter that throws (or whose promise rejects) must not
 * turn one failure into two: its error goes to stderr, and so does the
 * original, which may itself be what made it throw. A promise it returns goes
 * to `keepAlive.waitUntil` (the request's execution context, where there is one).
 */
export function reportOnce(
  reporter: ErrorReporter,
  error: unknown,
  request: Request,
  ledger?: ReportLedger,
  info: ReportInfo = infoOf("request"),
  keepAlive?: ExecutionContextLike,
): boolean {
  if (alreadyReported(error, ledger ?? ledgerOf(request))) return false;
  try {
    const pending = reporter(error, request, info);
    if (isThenable(pending)) {
      const settled = Promise.resolve(pending).catch((reporterError: unknown) =>
        printUnreportable(reporterError, error),
      );
      keepAlive?.waitUntil(settled);
    }
  } catch (reporterError) {
    printUnreportable(reporterError, error);
  }
  return true;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === "function";
}

function printUnreportable(reporterError: unknown, error: unknown): void {
  try {
    console.error("edgelette: onError threw while reporting", reporterError, error);
  } catch {
    // A thrown value that cannot even be printed (a Proxy whose traps throw).
    console.error("edgelette: onError threw while reporting an error that cannot be printed");
  }
}
