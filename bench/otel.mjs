/**
 * `node bench/otel.mjs`: what `tracing()` from edgelette/otel costs per
 * request, in process on Node, Deno and Bun (bench/otel-inprocess.ts), with
 * no provider registered and with a recording SDK tracer, against the same
 * app without it. Prints a markdown table and writes it into
 * docs/BENCHMARKS.md between its markers (`npm run bench` keeps that section).
 *
 *   --runtimes=node,deno,bun   --scenarios=S1,S3,S5   --rounds=N (9)   --sample-ms=N (150)   --no-write
 */
import { readFileSync, writeFileSync } from "node:fs";
import { buildForNode } from "./lib/build.mjs";
import { NODE_BUILD, ROOT, runScript } from "./lib/processes.mjs";
import { replaceSection, TRACING_SECTION } from "./lib/sections.mjs";
import { median, pairedRatio } from "./lib/stats.mjs";

function parseArgs(args) {
  const options = { runtimes: ["node", "deno", "bun"], scenarios: ["S1", "S3", "S5"] };
  Object.assign(options, { rounds: 9, sampleMs: 150, write: true });
  for (const arg of args) {
    const [flag, value] = arg.split(/=(.*)/s);
    if (flag === "--runtimes") options.runtimes = value.split(",");
    else if (flag === "--scenarios") options.scenarios = value.split(",");
    else if (flag === "--rounds") options.rounds = Number(value);
    else if (flag === "--sample-ms") options.sampleMs = Number(value);
    else if (flag === "--no-write") options.write = false;
    else throw new Error(`unknown option ${arg}`);
  }
  if (!(options.rounds >= 3)) throw new Error("--rounds must be at least 3");
  return options;
}

const fixed = (value) => value.toFixed(2);
const cell = (ratio) => `${fixed(ratio.median)} (${fixed(ratio.min)}–${fixed(ratio.max)})`;

/** The median over rounds of `costs[a] - costs[b]`, each taken within its round, in ns, signed. */
function pairedDifference(costs, a, b) {
  const ns = Math.round(median(costs[a].map((cost, round) => cost - costs[b][round])));
  return ns < 0 ? `−${-ns}` : `+${ns}`;
}

/** The middleware alone: the direct call's cost, then what each middleware adds to it. */
function layerRow(runtime, costs) {
  const added = (app) => pairedDifference(costs, app, "direct");
  const direct = Math.round(median(costs.direct));
  return [runtime, direct, added("direct2"), added("passthrough"), added("noop"), added("sdk")];
}

/** The whole app: each variant over plain, with the noise control and the ns added. */
function appRow(runtime, id, costs) {
  const over = (app) =>
    `${cell(pairedRatio(costs, app, "plain"))}, ${pairedDifference(costs, app, "plain")}`;
  return [
    runtime,
    id,
    Math.round(median(costs.plain)),
    cell(pairedRatio(costs, "plain2", "plain")),
    over("passthrough"),
    over("noop"),
    over("sdk"),
  ];
}

const table = (head, rows) =>
  [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((cells) => `| ${cells.join(" | ")} |`),
  ].join("\n");

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.runtimes.includes("node")) await buildForNode();
  const config = { rounds: options.rounds, sampleMs: options.sampleMs, warmupMs: 200 };
  config.scenarios = options.scenarios;
  const layerRows = [];
  const appRows = [];
  const results = {};
  for (const runtime of options.runtimes) {
    process.stderr.write(`${runtime} … `);
    const result = await runScript(runtime, "otel-inprocess", config, { timeoutMs: 900_000 });
    process.stderr.write("done\n");
    if (result.failures.length > 0) throw new Error(`${runtime}: ${result.failures.join("; ")}`);
    results[runtime] = result;
    layerRows.push(layerRow(runtime, result.layer));
    for (const [id, costs] of Object.entries(result.app)) appRows.push(appRow(runtime, id, costs));
  }
  const layer = table(
    [
      "runtime",
      "direct call, CPU ns",
      "noise: direct again",
      "pass-through",
      "`tracing()`, no provider",
      "`tracing()`, SDK tracer",
    ],
    layerRows,
  );
  const app = table(
    [
      "runtime",
      "scenario",
      "plain, CPU ns",
      "noise: plain2/plain",
      "pass-through outer middleware",
      "`tracing()`, no provider",
      "`tracing()`, SDK tracer",
    ],
    appRows,
  );
  const command = `node bench/otel.mjs --runtimes=${options.runtimes.join(",")} --scenarios=${options.scenarios.join(",")} --rounds=${options.rounds} --sample-ms=${options.sampleMs}`;
  writeFileSync(`${NODE_BUILD}otel-last-run.json`, JSON.stringify(results, null, 2));
  const section = render(layer, app, command);
  console.log(section);
  if (!options.write) return;
  const path = `${ROOT}docs/BENCHMARKS.md`;
  writeFileSync(path, replaceSection(readFileSync(path, "utf8"), TRACING_SECTION, section));
}

function render(layer, app, command) {
  return `## Tracing: \`tracing()\` from edgelette/otel, in process

\`${command}\` (${new Date().toISOString().slice(0, 10)}). The clock is the process's CPU time
(\`process.cpuUsage()\`), not wall time, so other work on a shared machine does not count.
Variants: a **pass-through** middleware \`(next) => (request, ctx) => next(request, ctx)\`; **\`tracing()\` with no provider**
registered (what an app pays for shipping it to a runtime without OpenTelemetry); **\`tracing()\`
on a recording SDK tracer** (\`BasicTracerProvider\` with no span processor: spans are made,
named, given their attributes and ended, then dropped; an exporter adds its own cost on top).

**The middleware alone**: called in a loop around a \`next\` that answers a ready \`Response\`,
each call with a fresh context. The direct call's CPU nanoseconds, then the median nanoseconds
each variant adds to it (paired within rounds); "direct again" is the direct call measured a
second time: what a difference must exceed to mean anything.

${layer}

**In the app**: the bench's edgelette app (\`bench/apps/edgelette.ts\`) as **plain**, and with
each as its one outer middleware (an outer layer also brings a second 500 layer around it, the
pass-through column's cost). Each cell: cost over plain as in the tables above (median ratio,
lowest–highest round), then the median CPU nanoseconds added per request.

${app}
`;
}

await main();
