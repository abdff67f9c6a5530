/** Receives every unhandled error exactly once. */
export type ErrorReporter = (error: unknown, request: Request) => void;

/** The default reporter: the error with its stack on stderr. */
export const consoleReporter: ErrorReporter = (error, request) => {
  console.error(`edgelette: unhandled error in ${request.method} ${request.url}\n`, error);
};

/** Where a request lists the errors already reported for it (`RequestInternals`). */
export interface ReportLedger {
  reported: unknown[] | undefined;
}

// Per request: the same error object thrown by two requests is two failures.
// A request's context keeps its own short list: a weak map entry per failing
// request added measurably to garbage collection under load on Deno. Callers
// without a context (a Durable Object's socket hooks) get a list per request.
const ledgers = new WeakMap<Request, ReportLedger>();

function ledgerOf(request: Request): ReportLedger {
  let ledger = ledgers.get(request);
  if (ledger === undefined) {
    ledger = { reported: undefined };
    ledgers.set(request, ledger);
  }
  return ledger;
}

function alreadyReported(error: unknown, ledger: ReportLedger): boolean {
  if (typeof error !== "object" || error === null) return false;
  ledger.reported ??= [];
  if (ledger.reported.includes(error)) return true;
  ledger.reported.push(error);
  return false;
}

/**
 * Calls `reporter` unless this request already reported this error object. A
 * reporter that throws must not turn one failure into two: its error goes to
 * stderr, and so does the original, which may itself be what made it throw.
 */
export function reportOnce(
  reporter: ErrorReporter,
  error: unknown,
  request: Request,
  ledger?: ReportLedger,
): void {
  if (alreadyReported(error, ledger ?? ledgerOf(request))) return;
  try {
    reporter(error, request);
  } catch (reporterError) {
    printUnreportable(reporterError, error);
  }
}

function printUnreportable(reporterError: unknown, error: unknown): void {
  try {
    console.error("edgelette: onError threw while reporting", reporterError, error);
  } catch {
    // A thrown value that cannot even be printed (a Proxy whose traps throw).
    console.error("edgelette: onError threw while reporting an error that cannot be printed");
  }
}
