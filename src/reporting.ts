/** Receives every unhandled error exactly once. */
export type ErrorReporter = (error: unknown, request: Request) => void;

/** The default reporter: the error with its stack on stderr. */
export const consoleReporter: ErrorReporter = (error, request) => {
  console.error(`edgelette: unhandled error in ${request.method} ${request.url}\n`, error);
};

const reported = new WeakSet<object>();

/**
 * Calls `reporter` unless this error object was reported already. A reporter
 * that throws must not turn one failure into two, so its error goes to stderr.
 */
export function reportOnce(reporter: ErrorReporter, error: unknown, request: Request): void {
  if (typeof error === "object" && error !== null) {
    if (reported.has(error)) return;
    reported.add(error);
  }
  try {
    reporter(error, request);
  } catch (reporterError) {
    console.error("edgelette: onError threw while reporting", reporterError, error);
  }
}
