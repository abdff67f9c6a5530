/**
 * `node bench/profile.mjs [S1 S4 S5] [--app=edgelette] [--runtime=node|deno|bun] [--ms=4000]`:
 * CPU profiles of one app's in-process path, summarised as self time per
 * function and per file, and total time per src/ function. The raw
 * .cpuprofile files are kept (Chrome DevTools opens them). The profile covers
 * the whole process, including the untimed `new Request` of each chunk. On
 * Node the line numbers are those of the compiled .js (bench/lib/build.mjs).
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildForNode } from "./lib/build.mjs";
import { NODE_BUILD, ROOT, RUNTIMES, run } from "./lib/processes.mjs";

const TOP = 15;

function where(url) {
  if (!url) return "(native)";
  const path = url.replace("file://", "");
  if (path.startsWith(NODE_BUILD)) return path.slice(NODE_BUILD.length).replace(/\.js$/, ".ts");
  if (path.startsWith(ROOT)) return path.slice(ROOT.length);
  return path.replace(/^node:/, "node:");
}

function label(frame) {
  return `${frame.functionName || "(anonymous)"} ${where(frame.url)}:${frame.lineNumber + 1}`;
}

/** Self and total milliseconds per function, and self per file. */
function summarise(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const interval = (profile.endTime - profile.startTime) / 1000 / profile.samples.length;
  for (const id of profile.samples) {
    const node = byId.get(id);
    self.set(node, (self.get(node) ?? 0) + interval);
  }
  const parent = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node);
  const selfByFunction = new Map();
  const selfByFile = new Map();
  const totalByFunction = new Map();
  for (const [node, ms] of self) {
    const name = label(node.callFrame);
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + ms);
    const file = where(node.callFrame.url);
    selfByFile.set(file, (selfByFile.get(file) ?? 0) + ms);
    const seen = new Set(); // a recursive function counts once per sample
    for (let at = node; at; at = parent.get(at.id)) {
      const atName = label(at.callFrame);
      if (seen.has(atName)) continue;
      seen.add(atName);
      totalByFunction.set(atName, (totalByFunction.get(atName) ?? 0) + ms);
    }
  }
  const total = [...self.values()].reduce((sum, ms) => sum + ms, 0);
  return { total, selfByFunction, selfByFile, totalByFunction };
}

function top(map, total, filter = () => true) {
  return [...map]
    .filter(([name]) => filter(name))
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([name, ms]) => `  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`)
    .join("\n");
}

/** The command line that runs bench/inprocess on `runtime` under its sampling profiler. */
function profiledCommand(runtime, dir, config) {
  const flags = ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=100"];
  const [first, ...rest] = RUNTIMES[runtime].script("inprocess");
  const args = runtime === "deno" ? [first, ...flags, ...rest] : [...flags, first, ...rest];
  return [RUNTIMES[runtime].command, [...args, config]];
}

async function profileScenario(runtime, app, scenario, ms) {
  const dir = mkdtempSync(join(tmpdir(), `edgelette-profile-${runtime}-${scenario}-`));
  const config = JSON.stringify({ mode: "profile", app, scenario, ms });
  const [command, args] = profiledCommand(runtime, dir, config);
  const { stdout } = await run(command, args, { timeoutMs: ms + 60_000 });
  const file = join(
    dir,
    readdirSync(dir).find((name) => name.endsWith(".cpuprofile")),
  );
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const { total, selfByFunction, selfByFile, totalByFunction } = summarise(profile);
  const { nsPerRequest } = JSON.parse(stdout.trim().split("\n").at(-1));
  const perRequest = `${(nsPerRequest / 1000).toFixed(2)} µs per request while profiled`;
  console.log(`\n## ${runtime} ${app} ${scenario}: ${perRequest} (${file})`);
  console.log(`self time by file:\n${top(selfByFile, total)}`);
  console.log(`self time by function:\n${top(selfByFunction, total)}`);
  const inSrc = (name) => name.includes(" src/");
  console.log(`total time, src/ functions:\n${top(totalByFunction, total, inSrc)}`);
}

const args = process.argv.slice(2);
const option = (name, fallback) =>
  args.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const runtime = option("runtime", "node");
const scenarios = args.filter((arg) => !arg.startsWith("--"));
if (runtime === "node") await buildForNode();
for (const scenario of scenarios.length ? scenarios : ["S1", "S4", "S5"]) {
  await profileScenario(
    runtime,
    option("app", "edgelette"),
    scenario,
    Number(option("ms", "4000")),
  );
}
