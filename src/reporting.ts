/** Receives every unhandled error exactly once. */
export type ErrorReporter = (error: unknown, request: Request) => void;

/** The default reporter: the error with its stack on stderr. */
export const consoleReporter: ErrorReporter = (error, request) => {
  console.error(`edgelette: unhandled error in ${request.method} ${request.url}\n`, error);
};

// Per request: the same error object thrown by two requests is two failures.
const reportedByRequest = new WeakMap<Request, WeakSet<object>>();

function alreadyReported(error: unknown, request: Request): boolean {
  if (typeof error !== "object" || error === null) return false;
  let reported = reportedByRequest.get(request);
  if (!reported) {
    reported = new WeakSet();
    reportedByRequest.set(request, reported);
  }
  if (reported.has(error)) return true;
  reported.add(error);
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
