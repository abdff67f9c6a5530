/**
 * `npm run bench`: builds the bench for Node, then runs the phases on each
 * runtime (in process, memory, HTTP), pairs the rounds, prints the tables
 * and writes docs/BENCHMARKS.md. `--smoke` checks correctness only.
 * Node runs a compiled copy of the bench: see bench/lib/build.mjs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { buildForNode } from "./lib/build.mjs";
import { parseOptions, USAGE } from "./lib/options.mjs";
import { NODE_BUILD, ROOT } from "./lib/processes.mjs";
import { keepSections } from "./lib/sections.mjs";

/** Runs `phase`, logging how long it took (the whole bench takes about 25 minutes). */
async function timed(label, phase) {
  const started = Date.now();
  process.stdout.write(`${label} … `);
  const result = await phase();
  console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function runPhases(options) {
  const { http } = await import("./lib/http.mjs");
  const { inProcess, memory } = await import("./lib/inprocess.mjs");
  const results = { runtimes: {} };
  for (const runtime of options.runtimes) {
    results.runtimes[runtime] = {};
    if (options.phases.includes("inprocess")) {
      const result = await timed(`${runtime} in process`, () => inProcess(runtime, options));
      results.runtimes[runtime].inprocess = result;
    }
    if (options.phases.includes("http")) {
      const result = await timed(`${runtime} HTTP`, () => http(runtime, options));
      results.runtimes[runtime].http = result;
    }
  }
  if (options.timed && options.phases.includes("memory")) {
    results.memory = await timed("memory", () => memory(options.runtimes, options));
  }
  return results;
}

function hasFailures(results) {
  const failed = Object.values(results.runtimes).some((phases) =>
    Object.values(phases).some((result) => result.failures.length > 0),
  );
  const memory = Object.values(results.memory ?? {}).flatMap((apps) => Object.values(apps));
  return failed || memory.some((each) => each.error !== undefined);
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) return console.log(USAGE);
  const started = Date.now();
  await buildForNode();
  // Before the machine is described, so the report names the wrk that ran. Smoke needs none.
  const { ensureWrk } = await import("./lib/wrk.mjs");
  if (options.timed && options.phases.includes("http")) ensureWrk();
  const { describeMachine } = await import("./lib/machine.mjs");
  const { renderReport, renderSmoke } = await import("./lib/report.mjs");
  const machine = describeMachine();
  const results = { options, machine, ...(await runPhases(options)) };
  results.seconds = Math.round((Date.now() - started) / 1000);
  if (options.mode === "smoke") {
    console.log(renderSmoke(results));
  } else {
    const report = renderReport(results);
    console.log(report);
    const path = `${ROOT}docs/BENCHMARKS.md`;
    // Sections other scripts wrote (bench/otel.mjs) are carried over.
    if (options.write) writeFileSync(path, keepSections(report, readFileSync(path, "utf8")));
    writeFileSync(`${NODE_BUILD}last-run.json`, JSON.stringify(results, null, 2));
  }
  console.log(`done in ${results.seconds} s`);
  if (hasFailures(results)) process.exitCode = 1;
}

await main();
