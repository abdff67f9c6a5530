/**
 * The runtime side of bench/validation.mjs, one file for Node, Deno and Bun:
 * S7 with a schema on the route (zod, valibot, arktype) against edgelette's
 * own S7 (`readJson` and a hand-written check) and bare, in process. The
 * valid request (201) and an invalid one (422) are timed, apps interleaved
 * and rotated per round (bench/timing.ts). Prints one JSON line.
 *
 *   {"rounds":7,"sampleMs":150,"warmupMs":150}
 */
import process from "node:process";
import { createBareApp } from "./apps/bare.ts";
import { createEdgeletteApp } from "./apps/edgelette.ts";
import { createValidatedApp, VALIDATORS } from "./apps/edgelette-validated.ts";
import { type Probe, SCENARIOS, toRequest } from "./scenarios.ts";
import { type FetchApp, sample } from "./timing.ts";

interface Config {
  rounds?: number;
  sampleMs?: number;
  warmupMs?: number;
  /** Only check the answers (the smoke run). */
  checkOnly?: boolean;
}

const S7_CHECKS = SCENARIOS.find((each) => each.id === "S7")?.checks ?? [];

function probe(label: string): Probe {
  const found = S7_CHECKS.find((each) => each.label === label);
  if (!found) throw new Error(`bench/scenarios.ts has no S7 check labelled "${label}"`);
  return found;
}

const valid = probe("S7");
const invalid = probe("S7 invalid");
/** The requests timed: S7's valid body (201), and its invalid one (422). */
const TIMED: Record<string, Probe> = { valid, invalid };
/** Every S7 check; each app must give its status (a schema's 422 body is a list of issues). */
const CHECKED = [
  valid,
  invalid,
  probe("S7 malformed"),
  probe("S7 not JSON"),
  probe("S7 too large"),
];

function apps(): Map<string, FetchApp> {
  const all = new Map<string, FetchApp>([
    ["bare", createBareApp()],
    ["readJson", createEdgeletteApp()],
  ]);
  for (const name of VALIDATORS) all.set(name, createValidatedApp(name));
  all.set("readJson2", createEdgeletteApp());
  return all;
}

/** What is wrong with `name`'s answer to `checked`, or undefined when it is right. */
function problemWith(name: string, checked: Probe, status: number, body: string) {
  const { expect } = checked;
  if (status !== expect.status)
    return `${name}: ${checked.label} gave ${status} ${body.slice(0, 120)}`;
  if (checked === valid && body !== expect.body) return `${name}: S7 gave ${body}`;
  const isSchema = (VALIDATORS as readonly string[]).includes(name);
  if (checked === invalid && isSchema && !body.includes('"in":"body","path":"/name"')) {
    return `${name}: the 422 does not name /name: ${body}`;
  }
  return undefined;
}

async function check(all: Map<string, FetchApp>): Promise<string[]> {
  const failures: string[] = [];
  for (const [name, app] of all) {
    for (const checked of CHECKED) {
      const response = await app.fetch(toRequest(checked));
      const problem = problemWith(name, checked, response.status, await response.text());
      if (problem) failures.push(problem);
    }
  }
  return failures;
}

async function time(all: Map<string, FetchApp>, config: Config) {
  const { rounds = 7, sampleMs = 150, warmupMs = 150 } = config;
  const samples: Record<string, Record<string, number[]>> = {};
  const names = [...all.keys()];
  for (const [id, probe] of Object.entries(TIMED)) {
    samples[id] = {};
    for (const name of names) {
      samples[id][name] = [];
      await sample(all.get(name) as FetchApp, probe, warmupMs);
    }
  }
  for (let round = 0; round < rounds; round++) {
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    for (const [id, probe] of Object.entries(TIMED)) {
      for (const name of order) {
        samples[id][name].push(await sample(all.get(name) as FetchApp, probe, sampleMs));
      }
    }
  }
  return samples;
}

async function main(config: Config) {
  const all = apps();
  const failures = await check(all);
  if (failures.length > 0 || config.checkOnly) return { failures };
  return { failures, samples: await time(all, config) };
}

const config = JSON.parse(process.argv.at(-1) ?? "{}") as Config;
console.log(JSON.stringify(await main(config)));
