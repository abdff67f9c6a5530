/**
 * `node bench/ab.mjs --base <git-ref>`: edgelette at another commit against the
 * working tree, in process on Node, Deno and Bun. Both are built with the
 * project's tsc into a temporary folder outside the repository (the base from
 * `git archive`, so the repository is left as it is), loaded side by side in
 * one process per runtime, and run through the bench's edgelette app on the
 * in-process scenarios, interleaved and paired per round (bench/ab-inprocess.ts).
 * Prints a markdown table of new/old cost ratios with the noise control
 * (a second copy of the old app: old2/old).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildForNode } from "./lib/build.mjs";
import { ROOT, run, runScript } from "./lib/processes.mjs";
import { median, pairedRatio } from "./lib/stats.mjs";

const USAGE = `node bench/ab.mjs --base <git-ref> [options]
  --base=<ref>        the commit to compare the working tree with (required)
  --runtimes=node,deno,bun    --scenarios=S1,S2,S3,S4,S5,S7
  --rounds=N          paired rounds (default 9; 301 with --calls)   --sample-ms=N   per app and round (default 150)
  --calls             time app.fetch alone, bodies unread, one 1,024-request chunk per app and round:
                      resolves about 5%, finer than the default (bench/timing.ts, sampleCalls)
  --read-bodies       with --calls: each body is read too, inside the timed chunk (response classes)
  --keep              keep the temporary builds (their folder is printed)`;

function parseArgs(args) {
  const options = { runtimes: ["node", "deno", "bun"], sampleMs: 150, keep: false, calls: false };
  for (let index = 0; index < args.length; index++) {
    const [flag, inline] = args[index].split(/=(.*)/s);
    const value = () => inline ?? args[++index];
    if (flag === "--base") options.base = value();
    else if (flag === "--runtimes") options.runtimes = value().split(",");
    else if (flag === "--scenarios") options.scenarios = value().split(",");
    else if (flag === "--rounds") options.rounds = Number(value());
    else if (flag === "--sample-ms") options.sampleMs = Number(value());
    else if (flag === "--keep") options.keep = true;
    else if (flag === "--calls") options.calls = true;
    else if (flag === "--read-bodies") options.readBodies = true;
    else if (flag === "--help") options.help = true;
    else throw new Error(`unknown option ${args[index]}\n${USAGE}`);
  }
  if (!options.help && !options.base) throw new Error(`--base is required\n${USAGE}`);
  options.rounds ??= options.calls ? 301 : 9;
  if (options.readBodies && !options.calls)
    throw new Error(`--read-bodies needs --calls\n${USAGE}`);
  if (!(options.rounds >= 3)) throw new Error("--rounds must be at least 3");
  return options;
}

function git(...args) {
  return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28 });
}

/** Compiles `project` (a folder with tsconfig.build.json) into `outDir`: JavaScript only. */
async function compile(project, outDir) {
  const tsc = `${ROOT}node_modules/typescript/bin/tsc`;
  const flags = ["--outDir", outDir, "--noCheck", "--declaration", "false"];
  await run(process.execPath, [tsc, "-p", join(project, "tsconfig.build.json"), ...flags], {
    timeoutMs: 180_000,
  });
  return join(outDir, "src", "index.js");
}

/** Both builds in `dir`, which resolves packages through the repository's node_modules. */
async function buildBoth(dir, sha) {
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  const source = join(dir, "base-source");
  mkdirSync(source);
  const archive = execFileSync("git", ["archive", "--format=tar", sha], {
    cwd: ROOT,
    maxBuffer: 1 << 30,
  });
  execFileSync("tar", ["-x", "-C", source], { input: archive });
  symlinkSync(join(ROOT, "node_modules"), join(source, "node_modules"), "dir");
  const [old, current] = await Promise.all([
    compile(source, join(dir, "old")),
    compile(ROOT, join(dir, "new")),
  ]);
  return { old, new: current };
}

function fixed(value) {
  return value.toFixed(2);
}

/** Two-sided sign test: how likely `wins` of `rounds` or a split as lopsided is, by chance alone. */
function signTest(wins, rounds) {
  const extreme = Math.min(wins, rounds - wins);
  let tail = 0;
  for (let k = 0; k <= extreme; k++) tail += choose(rounds, k) / 2 ** rounds;
  return Math.min(1, 2 * tail);
}

function choose(n, k) {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

/**
 * One markdown row: new/old with its spread, the noise control, the medians
 * in ns, the rounds new was faster in, and a verdict. On a shared machine one
 * round can swing far either way, so the verdict is a sign test over the
 * paired rounds (p < 0.05), not the worst round: faster or slower only when
 * new won or lost clearly more rounds than chance would give.
 */
function row(runtime, id, costs) {
  const ratio = pairedRatio(costs, "new", "old");
  const noise = pairedRatio(costs, "old2", "old");
  const rounds = costs.new.length;
  const wins = costs.new.filter((cost, round) => cost < costs.old[round]).length;
  const p = signTest(wins, rounds);
  let verdict = "no difference shown";
  if (p < 0.05) verdict = wins > rounds / 2 ? "**faster**" : "**slower**";
  const ns = (app) => Math.round(median(costs[app]));
  return `| ${runtime} | ${id} | ${fixed(ratio.median)} (${fixed(ratio.min)}–${fixed(ratio.max)}) | ${fixed(noise.median)} (${fixed(noise.min)}–${fixed(noise.max)}) | ${ns("new")} / ${ns("old")} | ${wins}/${rounds} | ${verdict} (p ${p.toFixed(3)}) |`;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) return console.log(USAGE);
  const sha = git("rev-parse", "--verify", `${options.base}^{commit}`).trim();
  const dir = mkdtempSync(join(tmpdir(), "edgelette-ab-"));
  try {
    const builds = await buildBoth(dir, sha);
    if (options.runtimes.includes("node")) await buildForNode();
    const { rounds, sampleMs, calls, readBodies } = options;
    const config = { ...builds, rounds, sampleMs, calls, readBodies };
    if (options.scenarios) config.scenarios = options.scenarios;
    const dirty = git("status", "--porcelain").trim() !== "" ? " + uncommitted changes" : "";
    const head = git("rev-parse", "--short", "HEAD").trim();
    const lines = [
      `A/B in process: new = working tree (${head}${dirty}), old = ${options.base} (${sha.slice(0, 7)}); ${rounds} paired rounds of ${calls ? `1,024 \`app.fetch\` calls, bodies ${readBodies ? "read" : "unread"},` : `${sampleMs} ms`} per app.`,
      "",
      "| runtime | scenario | new/old | noise: old2/old | ns per request new / old | new faster in | |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    ];
    for (const runtime of options.runtimes) {
      process.stderr.write(`${runtime} … `);
      const result = await runScript(runtime, "ab-inprocess", config, { timeoutMs: 900_000 });
      process.stderr.write("done\n");
      if (result.failures.length > 0) {
        lines.push(`| ${runtime} | FAILED: ${result.failures.join("; ")} | | | | | |`);
        continue;
      }
      for (const [id, costs] of Object.entries(result.samples)) lines.push(row(runtime, id, costs));
    }
    console.log(lines.join("\n"));
  } finally {
    if (options.keep) console.error(`builds kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
