/**
 * The in-process phases: bench/inprocess.ts run on each runtime, and the
 * memory run (one process per app, so one app's heap never counts for another).
 */
import { runScript } from "./processes.mjs";

const MEMORY_APPS = ["bare", "hono", "elysia", "h3", "edgelette"];

/** Appends each scenario's and app's rounds from one process to `costs`. */
function pool(costs, samples) {
  for (const [id, apps] of Object.entries(samples)) {
    costs[id] ??= {};
    for (const [app, rounds] of Object.entries(apps)) {
      costs[id][app] = [...(costs[id][app] ?? []), ...rounds];
    }
  }
}

/**
 * Times every app × scenario in `processes` processes one after another, the
 * rounds shared between them and pooled. How a process compiles the shared
 * code is a draw: three Deno processes in a row put edgelette's `GET /` at
 * 0.94, 0.98 and 1.06× Hono's cost, the first and the last with intervals
 * that exclude 1, so one process per run made each run a single draw.
 */
async function timeInProcesses(runtime, { processes, rounds, ...config }) {
  const result = { checked: 0, failures: [], costs: {}, processRounds: [] };
  const count = Math.min(processes, rounds);
  for (let index = 0; index < count && result.failures.length === 0; index++) {
    const share = Math.floor(rounds / count) + (index < rounds % count ? 1 : 0);
    const measured = await runScript(
      runtime,
      "inprocess",
      { mode: "time", ...config, rounds: share },
      { timeoutMs: 300_000 },
    );
    result.checked += measured.checked;
    result.failures.push(...measured.failures);
    pool(result.costs, measured.samples);
    result.processRounds.push(share);
  }
  return result;
}

/** Checks (smoke) or times every app × scenario on `runtime`; never throws. */
export async function inProcess(runtime, options) {
  try {
    if (!options.timed) {
      return await runScript(runtime, "inprocess", { mode: "check" }, { timeoutMs: 60_000 });
    }
    return await timeInProcesses(runtime, { ...options.inprocess, apps: options.apps });
  } catch (error) {
    return { failures: [`in-process run failed: ${error.message}`] };
  }
}

async function memoryOf(runtime, app, { small, large }) {
  const config = { mode: "memory", app, small, large };
  try {
    return await runScript(runtime, "inprocess", config, { timeoutMs: 600_000, gc: true });
  } catch (error) {
    // The last line of stderr says why; the command line is in the bench's own code.
    const lines = error.message.split("\n").filter((line) => line.trim() !== "");
    return { error: lines.at(-1).slice(0, 200) };
  }
}

async function allocationOf(runtime, app) {
  const config = { mode: "alloc", app, scenarios: ["S1", "S4"], requests: 1000, windows: 7 };
  try {
    return await runScript(runtime, "inprocess", config, { timeoutMs: 120_000, alloc: true });
  } catch (error) {
    const lines = error.message.split("\n").filter((line) => line.trim() !== "");
    return { error: lines.at(-1).slice(0, 200) };
  }
}

/**
 * Heap after `small` and after `large` mixed requests, per runtime and app,
 * and heap bytes allocated per request for S1 and S4 (`bytes`).
 * Two processes at a time: nothing here is timed, and the machine has two cores.
 */
export async function memory(runtimes, options) {
  const jobs = runtimes.flatMap((runtime) => MEMORY_APPS.map((app) => ({ runtime, app })));
  const results = {};
  const worker = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      results[job.runtime] ??= {};
      const measured = await memoryOf(job.runtime, job.app, options.memory);
      if (measured.error === undefined) measured.bytes = await allocationOf(job.runtime, job.app);
      results[job.runtime][job.app] = measured;
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}
