/**
 * The runtime side of the A/B tool (bench/ab.mjs), one file for Node, Deno
 * and Bun: builds the bench's edgelette app from two builds of edgelette
 * (`old` at the base commit, `new` from the working tree) plus a second copy
 * of `old` as the noise control, checks all three, then times them
 * interleaved and paired per round. Prints one JSON line.
 *
 *   {"old":"/tmp/…/old/src/index.js","new":"/tmp/…/new/src/index.js","rounds":9,"sampleMs":150,"warmupMs":200}
 */
import process from "node:process";
import { pathToFileURL } from "node:url";
import { createEdgeletteApp, type Edgelette } from "./apps/edgelette.ts";
import { checkAll, type FetchApp, type TimingConfig, timeAll } from "./timing.ts";

interface Config extends TimingConfig {
  old: string;
  new: string;
}

async function load(path: string): Promise<Edgelette> {
  return (await import(pathToFileURL(path).href)) as Edgelette;
}

async function main(config: Config) {
  const [older, newer] = [await load(config.old), await load(config.new)];
  const apps = new Map<string, FetchApp>([
    ["new", createEdgeletteApp(newer)],
    ["old", createEdgeletteApp(older)],
    ["old2", createEdgeletteApp(older)],
  ]);
  const checks = await checkAll(apps);
  if (checks.failures.length > 0) return checks;
  return { ...checks, samples: await timeAll(apps, config) };
}

const config = JSON.parse(process.argv.at(-1) ?? "{}") as Config;
console.log(JSON.stringify(await main(config)));
