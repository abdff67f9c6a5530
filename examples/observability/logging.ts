// docs/observability.md's JSON logger, kept as a file so a test runs it: one
// access line per request and one line per unhandled error, joined by the
// request id. `write` is console.log in an app; the test collects the lines.
import {
  App,
  type ErrorReporter,
  HTTPException,
  JSONResponse,
  type Middleware,
  Route,
  requestId,
} from "../../src/index.ts";

export type Write = (line: string) => void;

export function accessLog(write: Write): Middleware {
  return (next) => async (request, ctx) => {
    const started = performance.now();
    const response = await next(request, ctx);
    write(
      JSON.stringify({
        level: "info",
        id: ctx.requestId,
        method: request.method,
        route: ctx.route ?? null, // null: no route matched (404, 405)
        path: ctx.path,
        status: response.status,
        ms: Math.round(performance.now() - started),
      }),
    );
    return response;
  };
}

export function errorLog(write: Write): ErrorReporter {
  return (error, request, info) => {
    write(
      JSON.stringify({
        level: "error",
        id: info.requestId,
        kind: info.kind,
        route: info.route ?? null,
        method: request.method,
        error:
          error instanceof Error ? { name: error.name, message: error.message } : String(error),
      }),
    );
  };
}

export function createApp(write: Write = console.log): App {
  return new App({
    routes: [
      new Route("/orders/{id:int}", (_request, ctx) => {
        if (ctx.params.id === 0) throw new HTTPException(404, "no order 0");
        if (ctx.params.id === 13) throw new RangeError("unlucky order");
        return new JSONResponse({ id: ctx.params.id });
      }),
    ],
    outerMiddleware: [requestId(), accessLog(write)],
    onError: errorLog(write),
  });
}
