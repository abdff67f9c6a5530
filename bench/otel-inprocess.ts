/**
 * The runtime side of the tracing bench (bench/otel.mjs), one file for Node,
 * Deno and Bun. Prints one JSON line with two measurements:
 *
 * - `layer`: the middleware alone, called in a loop around a `next` that
 *   answers a ready `Response` at once, each call with a fresh context:
 *   `direct` (no middleware; `direct2` again, the noise control), a
 *   `passthrough` middleware, `tracing()` with no
 *   provider registered (`noop`: the API's no-op), and `tracing()` on a real
 *   SDK tracer that records every span and exports none (`sdk`).
 * - `app`: the bench's edgelette app (bench/apps/edgelette.ts) as `plain`
 *   (twice: `plain2` is the noise control) and with each middleware as its
 *   one outer middleware, where an outer layer also brings a second 500 layer.
 *
 * It counts the process's CPU time (`process.cpuUsage()`), not wall time: on
 * a machine shared with other work, time spent waiting for a core is not the
 * middleware's, and wall-clock rounds there scattered by 2–5×.
 *
 *   {"rounds":9,"sampleMs":150,"warmupMs":200,"scenarios":["S1","S3","S5"]}
 */
import process from "node:process";
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { RequestContext } from "../src/context.ts";
import { tracing } from "../src/otel/index.ts";
import type { Handler, Middleware } from "../src/types.ts";
import { createEdgeletteApp } from "./apps/edgelette.ts";
import { HTTP_SCENARIOS, type Probe, toRequest } from "./scenarios.ts";
import { checkAll, type FetchApp, type TimingConfig, yieldToEventLoop } from "./timing.ts";

const passThrough: Middleware = (next) => (request, ctx) => next(request, ctx);
const CHUNK = 1024;

/** CPU nanoseconds per call of `run` over at least `ms` milliseconds of CPU time. */
async function sampleCpu(run: () => Promise<unknown>, ms: number): Promise<number> {
  let micros = 0;
  let count = 0;
  while (micros < ms * 1000) {
    const start = process.cpuUsage();
    for (let index = 0; index < CHUNK; index++) await run();
    const used = process.cpuUsage(start);
    micros += used.user + used.system;
    count += CHUNK;
    await yieldToEventLoop();
  }
  return (micros * 1000) / count;
}

function rotate<T>(list: readonly T[], by: number): T[] {
  const shift = by % list.length;
  return [...list.slice(shift), ...list.slice(0, shift)];
}

/** Every variant once per round, interleaved, the order rotated from round to round. */
async function rounds(variants: Map<string, () => Promise<unknown>>, config: TimingConfig) {
  const { rounds = 9, sampleMs = 150, warmupMs = 200 } = config;
  const samples: Record<string, number[]> = {};
  for (const [name, run] of variants) {
    samples[name] = [];
    await sampleCpu(run, warmupMs);
  }
  for (let round = 0; round < rounds; round++) {
    for (const name of rotate([...variants.keys()], round)) {
      const run = variants.get(name) as () => Promise<unknown>;
      samples[name]?.push(await sampleCpu(run, sampleMs));
    }
  }
  return samples;
}

function middlewares(): Map<string, Middleware> {
  // Nothing is registered globally: `tracing()` without a tracer sees the API's no-op provider.
  const sdkTracer = new BasicTracerProvider().getTracer("bench");
  return new Map([
    ["passthrough", passThrough],
    ["noop", tracing()],
    ["sdk", tracing({ tracer: sdkTracer })],
  ]);
}

/** The middleware alone: what it adds to one call of the layer below. */
function layerVariants(): Map<string, () => Promise<unknown>> {
  const request = new Request("http://bench.test/users/42");
  const response = new Response("ok");
  const next: Handler = async () => response;
  const variants = new Map<string, () => Promise<unknown>>();
  variants.set("direct", () => next(request, new RequestContext(request)));
  variants.set("direct2", () => next(request, new RequestContext(request)));
  for (const [name, middleware] of middlewares()) {
    const handler = middleware(next);
    variants.set(name, () => handler(request, new RequestContext(request)));
  }
  return variants;
}

function apps(): Map<string, FetchApp> {
  const built = new Map<string, FetchApp>([
    ["plain", createEdgeletteApp()],
    ["plain2", createEdgeletteApp()],
  ]);
  for (const [name, middleware] of middlewares()) {
    built.set(name, createEdgeletteApp(undefined, [middleware]));
  }
  return built;
}

async function appSamples(built: Map<string, FetchApp>, config: TimingConfig) {
  const samples: Record<string, Record<string, number[]>> = {};
  for (const { id, timed } of HTTP_SCENARIOS) {
    if (config.scenarios && !config.scenarios.includes(id)) continue;
    const probe = timed as Probe;
    const variants = new Map<string, () => Promise<unknown>>();
    for (const [name, app] of built) {
      variants.set(name, async () => (await app.fetch(toRequest(probe))).text());
    }
    samples[id] = await rounds(variants, config);
  }
  return samples;
}

async function main(config: TimingConfig) {
  const built = apps();
  const checks = await checkAll(built);
  if (checks.failures.length > 0) return checks;
  const registered = trace.getTracerProvider().getTracer("probe").startSpan("probe").isRecording();
  if (registered) return { ...checks, failures: ["a tracer provider is registered globally"] };
  const layer = await rounds(layerVariants(), config);
  return { ...checks, layer, app: await appSamples(built, config) };
}

const config = JSON.parse(process.argv.at(-1) ?? "{}") as TimingConfig;
console.log(JSON.stringify(await main(config)));
