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

const s7 = SCENARIOS.find((each) => each.id === "S7");
const [valid, invalid, malformed, notJson, tooLarge] = s7?.checks ?? [];
/** The requests timed: S7's valid body (201), and its invalid one (422). */
const TIMED = { valid, invalid } as Record<string, Probe>;
/** What every app must answer; the 422's body differs (a list of issues with a schema). */
const STATUSES = new Map(
  [valid, invalid, malformed, notJson, tooLarge].map((probe) => [
    probe as Probe,
    probe?.expect.status,
  ]),
);

function apps(): Map<string, FetchApp> {
  const all = new Map<string, FetchApp>([
    ["bare", createBareApp()],
    ["readJson", createEdgeletteApp()],
  ]);
  for (const name of VALIDATORS) all.set(name, createValidatedApp(name));
  all.set("readJson2", createEdgeletteApp());
  return all;
}

async function check(all: Map<string, FetchApp>): Promise<string[]> {
  const failures: string[] = [];
  for (const [name, app] of all) {
    for (const [probe, status] of STATUSES) {
      const response = await app.fetch(toRequest(probe));
      const body = await response.text();
      if (response.status !== status)
        failures.push(`${name}: ${probe.label} gave ${response.status} ${body.slice(0, 120)}`);
      if (probe === valid && body !== probe.expect.body) failures.push(`${name}: S7 gave ${body}`);
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
