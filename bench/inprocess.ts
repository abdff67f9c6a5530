/**
 * The in-process bench, one file for Node, Deno and Bun: it calls each app's
 * `fetch` directly (`await (await app.fetch(request)).text()`), no network.
 * Started by bench/run.mjs with one JSON argument; prints one JSON line.
 *
 *   {"mode":"check"}                                   every app × probe answers as expected
 *   {"mode":"time","rounds":5,"sampleMs":150,"warmupMs":150}   ns per request, per round
 *   {"mode":"memory","app":"hono","small":10000,"large":1000000}  heap after each count
 *   {"mode":"profile","app":"edgelette","scenario":"S1","ms":5000}  a hot loop to profile
 */
import process from "node:process";
import { APP_NAMES, type AppName, createApp, type FetchApp, isAppName } from "./apps/index.ts";
import { HTTP_SCENARIOS, MIXED_PROBES, mismatch, type Probe, toRequest } from "./scenarios.ts";

// Requests are built in chunks outside the timed part: the bench times the
// apps, not `new Request`. A chunk is timed as one stretch (far above the
// clock's resolution), then the loop goes back to the event loop, as a server
// would; 1,024 keeps that turn (about 1 ms: timers are clamped) a small share.
const CHUNK = 1024;

interface Config {
  mode: "check" | "time" | "memory" | "profile";
  rounds?: number;
  sampleMs?: number;
  warmupMs?: number;
  app?: string;
  scenario?: string;
  ms?: number;
  small?: number;
  large?: number;
}

/** Every app × every check: how many were made, and the mismatches (none when all is well). */
async function checkAll(apps: ReadonlyMap<AppName, FetchApp>) {
  const failures: string[] = [];
  let checked = 0;
  for (const [name, app] of apps) {
    for (const probe of HTTP_SCENARIOS.flatMap((each) => each.checks)) {
      checked++;
      try {
        const response = await app.fetch(toRequest(probe));
        const body = await response.text();
        const problem = mismatch(
          probe,
          response.status,
          response.headers.get("content-type"),
          body,
        );
        if (problem) failures.push(`${name}: ${problem}`);
      } catch (error) {
        failures.push(`${name}: ${probe.label} threw ${String(error)}`);
      }
    }
  }
  return { checked, failures };
}

/** One turn of the event loop: runtimes free some per-request resources in macrotasks. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Nanoseconds per request over at least `ms` milliseconds of timed work. */
async function sample(app: FetchApp, probe: Probe, ms: number): Promise<number> {
  let elapsed = 0;
  let count = 0;
  while (elapsed < ms) {
    const requests = Array.from({ length: CHUNK }, () => toRequest(probe));
    const start = performance.now();
    for (const request of requests) await (await app.fetch(request)).text();
    elapsed += performance.now() - start;
    count += CHUNK;
    await yieldToEventLoop();
  }
  return (elapsed * 1e6) / count;
}

function rotate<T>(list: readonly T[], by: number): T[] {
  const shift = by % list.length;
  return [...list.slice(shift), ...list.slice(0, shift)];
}

// Apps are interleaved inside each round and their order rotates from
// round to round, so drift (heat, neighbours, GC) falls on all of them alike.
async function timeAll(apps: ReadonlyMap<AppName, FetchApp>, config: Config) {
  const { rounds = 5, sampleMs = 150, warmupMs = 150 } = config;
  const samples: Record<string, Record<string, number[]>> = {};
  for (const { id, timed } of HTTP_SCENARIOS) {
    samples[id] = {};
    for (const [name, app] of apps) {
      samples[id][name] = [];
      await sample(app, timed as Probe, warmupMs);
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const { id, timed } of HTTP_SCENARIOS) {
      for (const name of rotate([...apps.keys()], round)) {
        const app = apps.get(name) as FetchApp;
        samples[id][name].push(await sample(app, timed as Probe, sampleMs));
      }
    }
  }
  return samples;
}

/** Forces a full collection: `--expose-gc` on Node and Deno, `Bun.gc` on Bun. */
function collectGarbage(): void {
  const runtime = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  if (runtime.Bun) runtime.Bun.gc(true);
  else if (runtime.gc) runtime.gc();
  else
    throw new Error("memory mode needs a GC hook: node --expose-gc, deno --v8-flags=--expose-gc");
}

// A server goes back to the event loop between requests; a loop of pure
// microtasks never would, and would measure the runtime's deferred cleanup
// (Deno holds ~80 bytes of heap per request until then) instead of a leak.
async function serveMixed(app: FetchApp, from: number, to: number): Promise<void> {
  for (let index = from; index < to; index++) {
    const probe = MIXED_PROBES[index % MIXED_PROBES.length] as Probe;
    await (await app.fetch(toRequest(probe))).text();
    if (index % 1000 === 999) await yieldToEventLoop();
  }
}

async function heapAfterGc(): Promise<{ heap: number; rss: number }> {
  for (let turn = 0; turn < 3; turn++) {
    await yieldToEventLoop();
    collectGarbage();
  }
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
}

async function measureMemory(app: FetchApp, small: number, large: number) {
  await serveMixed(app, 0, small);
  const afterSmall = await heapAfterGc();
  await serveMixed(app, small, large);
  const afterLarge = await heapAfterGc();
  return { small, large, afterSmall, afterLarge };
}

async function profile(app: FetchApp, scenarioId: string, ms: number) {
  const scenario = HTTP_SCENARIOS.find((each) => each.id === scenarioId);
  if (!scenario) throw new Error(`unknown HTTP scenario ${scenarioId}`);
  const nsPerRequest = await sample(app, scenario.timed as Probe, ms);
  return { nsPerRequest };
}

function appNamed(name: string | undefined): FetchApp {
  if (!isAppName(name)) throw new Error(`"app" must be one of ${APP_NAMES.join(", ")}`);
  return createApp(name);
}

async function main(config: Config): Promise<unknown> {
  const apps = new Map(APP_NAMES.map((name) => [name, createApp(name)] as const));
  switch (config.mode) {
    case "check":
      return checkAll(apps);
    case "time": {
      const checks = await checkAll(apps);
      if (checks.failures.length > 0) return checks;
      return { ...checks, samples: await timeAll(apps, config) };
    }
    case "memory":
      return measureMemory(appNamed(config.app), config.small ?? 10_000, config.large ?? 1e6);
    case "profile":
      return profile(appNamed(config.app), config.scenario ?? "S1", config.ms ?? 5000);
    default:
      throw new Error(
        `unknown mode ${JSON.stringify(config.mode)}: check, time, memory or profile`,
      );
  }
}

const config = JSON.parse(process.argv.at(-1) ?? "{}") as Config;
console.log(JSON.stringify(await main(config)));
