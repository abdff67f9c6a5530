/**
 * The in-process bench, one file for Node, Deno and Bun: it calls each app's
 * `fetch` directly (`await (await app.fetch(request)).text()`), no network.
 * Started by bench/run.mjs with one JSON argument; prints one JSON line.
 *
 *   {"mode":"check"}                                   every app × probe answers as expected
 *   {"mode":"time","rounds":5,"sampleMs":150,"warmupMs":150}   ns per request, per round
 *     (with "apps":["bare","hono","edgelette"], only those share the process)
 *   {"mode":"memory","app":"hono","small":10000,"large":1000000}  heap after each count
 *   {"mode":"alloc","app":"hono","scenarios":["S1","S4"],"requests":1000,"windows":7}  heap bytes per request
 *   {"mode":"profile","app":"edgelette","scenario":"S1","ms":5000}  a hot loop to profile
 */
import process from "node:process";
import { APP_NAMES, createApp, isAppName } from "./apps/index.ts";
import { HTTP_SCENARIOS, MIXED_PROBES, type Probe, toRequest } from "./scenarios.ts";
import { checkAll, type FetchApp, sample, timeAll, yieldToEventLoop } from "./timing.ts";

interface Config {
  mode: "check" | "time" | "memory" | "alloc" | "profile";
  scenarios?: string[];
  requests?: number;
  windows?: number;
  rounds?: number;
  sampleMs?: number;
  warmupMs?: number;
  app?: string;
  /** The apps timed side by side (default every one). */
  apps?: string[];
  scenario?: string;
  ms?: number;
  small?: number;
  large?: number;
}

function probeOf(scenarioId: string): Probe {
  const scenario = HTTP_SCENARIOS.find((each) => each.id === scenarioId);
  if (!scenario) throw new Error(`unknown HTTP scenario ${scenarioId}`);
  return scenario.timed as Probe;
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

/**
 * Heap bytes allocated per request: the heap grows between two forced GCs by
 * what the requests allocated, as long as no collection runs in between. The
 * runners give V8 a 64 MB young generation (`--max-semi-space-size`) so a
 * window of requests fits; a collection inside a window shows as a smaller
 * number, so the largest window is the reading. The requests are built before
 * the first GC: the bench times the app, not `new Request`.
 */
async function allocation(
  app: FetchApp,
  probe: Probe,
  requests: number,
  windows: number,
  heapAllocated: () => number,
) {
  for (let index = 0; index < 5 * requests; index++) {
    await (await app.fetch(toRequest(probe))).text();
  }
  let most = 0;
  for (let window = 0; window < windows; window++) {
    const batch = Array.from({ length: requests }, () => toRequest(probe));
    await heapAfterGc();
    const before = heapAllocated();
    for (const request of batch) await (await app.fetch(request)).text();
    most = Math.max(most, (heapAllocated() - before) / requests);
  }
  return Math.round(most);
}

/**
 * What the heap holds, garbage included, read without a collection. V8's
 * `heapUsed` counts every object as it is allocated. JavaScriptCore's heap
 * size counts only what its last collection marked, so on Bun the reading is
 * the heap's capacity: the blocks allocation has taken. Right after a full
 * collection, the first requests fill the cells it freed in blocks already
 * held, so a window can only undercount, as a collection inside it would.
 */
async function heapReader(): Promise<() => number> {
  if (!("Bun" in globalThis)) return () => process.memoryUsage().heapUsed;
  // A specifier in a variable: Node and Deno never see `bun:jsc`, and tsc needs no Bun types.
  const jsc = "bun:jsc";
  const { heapStats } = (await import(jsc)) as { heapStats(): { heapCapacity: number } };
  return () => heapStats().heapCapacity;
}

async function allocations(app: FetchApp, config: Config) {
  const result: Record<string, number> = {};
  const heapAllocated = await heapReader();
  const { requests = 1000, windows = 7 } = config;
  for (const id of config.scenarios ?? ["S1", "S4"]) {
    result[id] = await allocation(app, probeOf(id), requests, windows, heapAllocated);
  }
  return result;
}

async function profile(app: FetchApp, scenarioId: string, ms: number) {
  return { nsPerRequest: await sample(app, probeOf(scenarioId), ms) };
}

function appNamed(name: string | undefined): FetchApp {
  if (!isAppName(name)) throw new Error(`an app must be one of ${APP_NAMES.join(", ")}`);
  return createApp(name);
}

/** The apps checked or timed side by side (every one unless named); other modes build one. */
function appsNamed(names: readonly string[] = APP_NAMES): Map<string, FetchApp> {
  return new Map(names.map((name) => [name, appNamed(name)] as const));
}

async function main(config: Config): Promise<unknown> {
  switch (config.mode) {
    case "check":
      return checkAll(appsNamed());
    case "time": {
      const apps = appsNamed(config.apps);
      const checks = await checkAll(apps);
      if (checks.failures.length > 0) return checks;
      return { ...checks, samples: await timeAll(apps, config) };
    }
    case "memory":
      return measureMemory(appNamed(config.app), config.small ?? 10_000, config.large ?? 1e6);
    case "alloc":
      return allocations(appNamed(config.app), config);
    case "profile":
      return profile(appNamed(config.app), config.scenario ?? "S1", config.ms ?? 5000);
    default:
      throw new Error(
        `unknown mode ${JSON.stringify(config.mode)}: check, time, memory, alloc or profile`,
      );
  }
}

const config = JSON.parse(process.argv.at(-1) ?? "{}") as Config;
console.log(JSON.stringify(await main(config)));
