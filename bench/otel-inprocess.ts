/**
 * The runtime side of the tracing bench (bench/otel.mjs), one file for Node,
 * Deno and Bun: the bench's edgelette app without outer middleware (twice:
 * the second is the noise control), with a pass-through outer middleware
 * (what any outer layer costs), with `tracing()` and no provider registered
 * (the API's no-op), and with `tracing()` on a real SDK tracer that records
 * every span and exports none (no span processor). Prints one JSON line.
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
import { tracing } from "../src/otel/index.ts";
import type { Middleware } from "../src/types.ts";
import { createEdgeletteApp } from "./apps/edgelette.ts";
import { HTTP_SCENARIOS, type Probe, toRequest } from "./scenarios.ts";
import { checkAll, type FetchApp, type TimingConfig, yieldToEventLoop } from "./timing.ts";

const passThrough: Middleware = (next) => next;
const CHUNK = 1024;

/** CPU nanoseconds per request over at least `ms` milliseconds of CPU time. */
async function sampleCpu(app: FetchApp, probe: Probe, ms: number): Promise<number> {
  let micros = 0;
  let count = 0;
  while (micros < ms * 1000) {
    const requests = Array.from({ length: CHUNK }, () => toRequest(probe));
    const start = process.cpuUsage();
    for (const request of requests) await (await app.fetch(request)).text();
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

/** As timing.ts's `timeAll` (apps interleaved, order rotated per round), on CPU time. */
async function timeAllCpu(apps: ReadonlyMap<string, FetchApp>, config: TimingConfig) {
  const { rounds = 9, sampleMs = 150, warmupMs = 200 } = config;
  const timed = HTTP_SCENARIOS.filter((each) => config.scenarios?.includes(each.id) ?? true);
  const samples: Record<string, Record<string, number[]>> = {};
  for (const { id, timed: probe } of timed) {
    const perApp: Record<string, number[]> = {};
    samples[id] = perApp;
    for (const [name, app] of apps) {
      perApp[name] = [];
      await sampleCpu(app, probe as Probe, warmupMs);
    }
    for (let round = 0; round < rounds; round++) {
      for (const name of rotate([...apps.keys()], round)) {
        const app = apps.get(name) as FetchApp;
        perApp[name]?.push(await sampleCpu(app, probe as Probe, sampleMs));
      }
    }
  }
  return samples;
}

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
  return { ...checks, samples: await timeAllCpu(apps, config) };
}

const config = JSON.parse(process.argv.at(-1) ?? "{}") as TimingConfig;
console.log(JSON.stringify(await main(config)));
