/**
 * `node bench/validation.mjs`: what a schema on the route costs. S7 (`POST
 * /users`, a JSON body checked for a non-empty name and an integer age) in
 * process on Node, Deno and Bun, four ways in edgelette: `readJson` plus a
 * hand-written check (the main bench's S7), and a `body` schema in zod,
 * valibot and arktype; bare is the floor and a second copy of the readJson app
 * the noise control. Prints a markdown table; `--write` puts it in
 * docs/BENCHMARKS.md between the validation markers (`npm run bench` keeps that part).
 *
 *   node bench/validation.mjs [--runtimes=node,deno,bun] [--rounds=7] [--sample-ms=150] [--write] [--smoke]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { buildForNode } from "./lib/build.mjs";
import { ROOT, runScript } from "./lib/processes.mjs";
import { replaceSection, VALIDATION_SECTION } from "./lib/sections.mjs";
import { median, pairedRatio } from "./lib/stats.mjs";

function parseArgs(args) {
  const options = { runtimes: ["node", "deno", "bun"], rounds: 7, sampleMs: 150, write: false };
  for (const arg of args) {
    const [flag, value] = arg.split(/=(.*)/s);
    if (flag === "--runtimes") options.runtimes = value.split(",");
    else if (flag === "--rounds") options.rounds = Number(value);
    else if (flag === "--sample-ms") options.sampleMs = Number(value);
    else if (flag === "--write") options.write = true;
    else if (flag === "--smoke") options.smoke = true;
    else throw new Error(`unknown option ${arg}`);
  }
  if (!(options.rounds >= 3)) throw new Error("--rounds must be at least 3");
  return options;
}

const fixed = (value) => value.toFixed(2);
const cell = (ratio) => `${fixed(ratio.median)} (${fixed(ratio.min)}–${fixed(ratio.max)})`;

/** One row: each schema over readJson, over bare, the noise control, and ns per request. */
function rows(runtime, id, costs) {
  const noise = cell(pairedRatio(costs, "readJson2", "readJson"));
  const lines = [];
  for (const app of ["zod", "valibot", "arktype"]) {
    const ns = `${Math.round(median(costs[app]))} / ${Math.round(median(costs.readJson))} / ${Math.round(median(costs.bare))}`;
    lines.push(
      `| ${runtime} | ${id} | ${app} | ${cell(pairedRatio(costs, app, "readJson"))} | ${cell(pairedRatio(costs, app, "bare"))} | ${noise} | ${ns} |`,
    );
  }
  const own = cell(pairedRatio(costs, "readJson", "bare"));
  lines.push(`| ${runtime} | ${id} | (readJson + check) | 1 | ${own} | ${noise} | |`);
  return lines;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.runtimes.includes("node")) await buildForNode();
  const config = { rounds: options.rounds, sampleMs: options.sampleMs, checkOnly: options.smoke };
  const lines = [
    "## S7 with a schema on the route (bench/validation.mjs)",
    "",
    `In process, ${options.rounds} rounds of ${options.sampleMs} ms per app, apps interleaved and rotated. ` +
      "*valid*: S7's timed request (201); *invalid*: S7's 422 (an empty name). " +
      "Each cell is a paired cost ratio (median, lowest–highest round); noise is a second copy of the readJson app over the first.",
    "",
    "| runtime | request | schema | schema / readJson + check | over bare | noise | ns per request: schema / readJson / bare |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  let failed = false;
  for (const runtime of options.runtimes) {
    process.stderr.write(`${runtime} … `);
    const result = await runScript(runtime, "validation-inprocess", config, { timeoutMs: 900_000 });
    process.stderr.write("done\n");
    if (result.failures.length > 0) {
      failed = true;
      lines.push(`| ${runtime} | FAILED: ${result.failures.join("; ")} | | | | | |`);
      continue;
    }
    if (options.smoke) continue;
    for (const [id, costs] of Object.entries(result.samples))
      lines.push(...rows(runtime, id, costs));
  }
  const section = lines.join("\n");
  if (options.smoke)
    console.log(failed ? section : "validation bench: every app answers S7 as expected");
  else console.log(section);
  if (options.write && !options.smoke) {
    const path = `${ROOT}docs/BENCHMARKS.md`;
    writeFileSync(path, replaceSection(readFileSync(path, "utf8"), VALIDATION_SECTION, section));
  }
  if (failed) process.exitCode = 1;
}

await main();
