import { AsyncLocalStorage } from "node:async_hooks";
import {
  type Context,
  type ContextManager,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  trace,
} from "@opentelemetry/api";

/**
 * The active context kept across `await`s with AsyncLocalStorage, which
 * Node, Deno, Bun and workerd (nodejs_compat) all have: what the Node SDK's
 * and otel-cf-workers' context managers do, in the API's own interface.
 */
export class StorageContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    active: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(active, () => fn.apply(thisArg, args));
  }

  bind<T>(_active: Context, target: T): T {
    return target;
  }

  enable(): this {
    return this;
  }

  // Dropped once disabled; workerd's AsyncLocalStorage has no disable() to call.
  disable(): this {
    return this;
  }
}

/** Runs `body` inside a span a runtime would have started for the request (Deno.serve, otel-cf-workers). */
export async function insideRuntimeSpan(body: () => Promise<void>): Promise<Span> {
  const runtime = trace.getTracer("runtime");
  const span = runtime.startSpan("runtime server span", { kind: SpanKind.SERVER });
  try {
    await context.with(trace.setSpan(context.active(), span), body);
  } finally {
    span.end();
  }
  return span;
}
