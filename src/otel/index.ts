// edgelette/otel: OpenTelemetry tracing over `@opentelemetry/api` alone (an
// optional peer). It reads whatever provider the runtime registered and
// never installs one.
export { type TracingOptions, tracing } from "./tracing.ts";
