// A span per request, from the provider the runtime registered (the Node SDK,
// Deno's built-in OpenTelemetry, @microlabs/otel-cf-workers, or none). With
// no provider, or a span that is not recorded (sampled out), the request goes
// straight on: no attributes, no observer, no context switch.

import {
  type Attributes,
  context,
  type Context as OtelContext,
  ProxyTracerProvider,
  propagation,
  type Span,
  SpanKind,
  type TextMapGetter,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { isHTTPException } from "../exceptions.ts";
import { bodyFinished } from "../middleware/watch-body.ts";
import { observeRequest } from "../observe.ts";
import { rawPathOf } from "../routing/request-path.ts";
import type { Middleware } from "../types.ts";
import { RequestSpan } from "./request-span.ts";

export interface TracingOptions {
  /** Where spans come from. Default: `trace.getTracer("edgelette")` from the registered provider. */
  tracer?: Tracer;
}

// The methods the semantic conventions call known (RFC 9110's and PATCH);
// any other is reported as `_OTHER`, so a scanner's methods cannot flood a backend.
const KNOWN_METHODS = new Set([
  "CONNECT",
  "DELETE",
  "GET",
  "HEAD",
  "OPTIONS",
  "PATCH",
  "POST",
  "PUT",
  "TRACE",
]);

// What the API hands out while no provider is registered: its no-op provider.
const NO_PROVIDER = new ProxyTracerProvider().getDelegate();

/** True when a provider is registered (by this copy of the API or another). Cheap: no span made. */
function providerRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_PROVIDER;
}

const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

/**
 * Traces each request: a span named `METHOD /route/{pattern}` with the HTTP
 * semantic-convention attributes; an unhandled error is recorded on it once,
 * where edgelette reports it; a 4xx is not an error. The span ends when the
 * response's body was sent and its background work (or WebSocket session)
 * ended. Put it in `outerMiddleware`, so it sees 500s too.
 * @example new App({ routes, outerMiddleware: [requestId(), tracing()] })
 */
export function tracing(options: TracingOptions = {}): Middleware {
  const tracer = options.tracer ?? trace.getTracer("edgelette");
  // Without a provider the request goes straight on. A provider may come
  // later (otel-cf-workers registers on the first request): checked each time.
  const enabled = options.tracer ? () => true : providerRegistered;
  return (next) => (request, ctx) => {
    if (!enabled()) return next(request, ctx);
    const parent = parentOf(request);
    const method = request.method; // a getter into the runtime on Deno: read it once
    const name = KNOWN_METHODS.has(method) ? method : "HTTP";
    const span = startSpan(tracer, request, method, name, parent);
    if (!span.isRecording()) {
      span.end();
      return next(request, ctx);
    }
    const follower = new RequestSpan(span, name);
    observeRequest(ctx, follower);
    const answer = context.with(trace.setSpan(parent, span), () => next(request, ctx));
    return answer.then(
      (response) => {
        follower.answered(response, ctx.route, bodyFinished(response));
        return response;
      },
      (error) => {
        follower.escaped(error, ctx.route, escapedStatus(error));
        throw error;
      },
    );
  };
}

/** The active context; when it holds no span, the caller's trace from the request's headers. */
function parentOf(request: Request): OtelContext {
  const active = context.active();
  if (trace.getSpan(active) !== undefined) return active;
  return propagation.extract(active, request.headers, headerGetter);
}

/**
 * A SERVER span, unless the runtime's own instrumentation already started
 * one for this request (Deno.serve, otel-cf-workers): then ours is its child,
 * INTERNAL, so a trace still has one server span per request.
 */
function startSpan(
  tracer: Tracer,
  request: Request,
  method: string,
  name: string,
  parent: OtelContext,
): Span {
  // A span extracted from headers is marked remote; one started in this process is not marked.
  const active = trace.getSpan(parent);
  const local = active !== undefined && active.spanContext().isRemote !== true;
  const kind = local ? SpanKind.INTERNAL : SpanKind.SERVER;
  return tracer.startSpan(name, { kind, attributes: startAttributes(request, method) }, parent);
}

// Known at the start, so samplers can use them.
function startAttributes(request: Request, method: string): Attributes {
  const url = request.url;
  const known = KNOWN_METHODS.has(method);
  const attributes: Attributes = {
    "http.request.method": known ? method : "_OTHER",
    "url.path": rawPathOf(url),
    "url.scheme": url.startsWith("https:") ? "https" : "http",
  };
  if (!known) attributes["http.request.method_original"] = method;
  return attributes;
}

/** The status a rejection will be answered with, as far as this layer can tell. */
function escapedStatus(error: unknown): number | undefined {
  return isHTTPException(error) ? error.statusCode : undefined;
}
