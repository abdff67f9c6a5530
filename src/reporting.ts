/** Receives every unhandled error exactly once. */
export type ErrorReporter = (error: unknown, request: Request) => void;

/** The default reporter: the error with its stack on stderr. */
export const consoleReporter: ErrorReporter = (error, request) => {
  console.error(`edgelette: unhandled error in ${request.method} ${request.url}\n`, error);
};

// Per request: the same error object thrown by two requests is two failures.
// Keyed by the error, which almost always belongs to one request: then one
// map entry is all the bookkeeping, and a set appears only when it is shared.
const reportedFor = new WeakMap<object, Request | WeakSet<Request>>();

function alreadyReported(error: unknown, request: Request): boolean {
  if (typeof error !== "object" || error === null) return false;
  const seen = reportedFor.get(error);
  if (seen === undefined) {
    reportedFor.set(error, request);
    return false;
  }
  if (seen === request) return true;
  if (!(seen instanceof WeakSet)) {
    reportedFor.set(error, new WeakSet([seen, request]));
    return false;
  }
  if (seen.has(request)) return true;
  seen.add(request);
  return false;
}

/**
 * Calls `reporter` unless this request already reported this error object. A
 * reporter that throws must not turn one failure into two: its error goes to stderr.
 */
export function reportOnce(reporter: ErrorReporter, error: unknown, request: Request): void {
  if (alreadyReported(error, request)) return;
  try {
    reporter(error, request);
  } catch (reporterError) {
    console.error("edgelette: onError threw while reporting", reporterError, error);
  }
}
