/**
 * The runtime side of the tracing bench (bench/otel.mjs), one file for Node,
 * Deno and Bun: the bench's edgelette app without outer middleware (twice:
 * the second is the noise control), with a pass-through outer middleware
 * (what any outer layer costs), with `tracing()` and no provider registered
 * (the API's no-op), and with `tracing()` on a real SDK tracer that records
 * every span and exports none (no span processor). Prints one JSON line.
 *
 *   {"rounds":9,"sampleMs":150,"warmupMs":200,"scenarios":["S1","S3","S5"]}
 */
import process from "node:process";
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { tracing } from "../src/otel/index.ts";
import type { Middleware } from "../src/types.ts";
import { createEdgeletteApp } from "./apps/edgelette.ts";
import { checkAll, type FetchApp, type TimingConfig, timeAll } from "./timing.ts";

const passThrough: Middleware = (next) => next;

async function main(config: TimingConfig) {
  // Nothing is registered globally: `tracing()` sees the API's no-op provider.
  const sdkTracer = new BasicTracerProvider().getTracer("bench");
  const apps = new Map<string, FetchApp>([
    ["plain", createEdgeletteApp()],
    ["plain2", createEdgeletteApp()],
    ["passthrough", createEdgeletteApp(undefined, [passThrough])],
    ["noop", createEdgeletteApp(undefined, [tracing()])],
    ["sdk", createEdgeletteApp(undefined, [tracing({ tracer: sdkTracer })])],
  ]);
  const checks = await checkAll(apps);
  if (checks.failures.length > 0) return checks;
  const registered = trace.getTracerProvider().getTracer("probe").startSpan("probe").isRecording();
  if (registered) return { ...checks, failures: ["a tracer provider is registered globally"] };
  return { ...checks, samples: await timeAll(apps, config) };
}

const config = JSON.parse(process.argv.at(-1) ?? "{}") as TimingConfig;
console.log(JSON.stringify(await main(config)));
