/**
 * `npm run stress`: serves stress/target.ts on each runtime (Node, Deno, Bun,
 * and workerd under Miniflare)
 * and attacks it on 127.0.0.1 with seeded, bounded attacks: malformed HTTP on
 * raw sockets, a request fuzzer with an oracle, hostile thrown values,
 * WebSocket storms, forbidden close codes, a flood to a non-reader, shutdown
 * under load. Prints one line per runtime; every column but requests,
 * sockets and RSS must be 0. `--smoke` is a short run (part of `npm test`);
 * a full run writes docs/RELIABILITY.md. Options: --seed N, --requests N,
 * --sockets N, --runtimes node,deno,bun, --no-write (a narrow run that leaves the doc alone).
 */
import { writeFileSync } from "node:fs";
import { describeMachine } from "../bench/lib/machine.mjs";
import { ROOT } from "../bench/lib/processes.mjs";
import { countReports, fuzz, malformed, stats } from "./lib/http-attacks.mjs";
import {
  buildForNode,
  rssOf,
  SERVED_RUNTIMES,
  SMOKE_RUNTIMES,
  startTarget,
} from "./lib/process.mjs";
import { seeded } from "./lib/random.mjs";
import { renderAttributed, renderReport, renderTable } from "./lib/report.mjs";
import { floodNonReader, forbiddenCodes, shutdownUnderLoad, storm } from "./lib/ws-attacks.mjs";

function parseOptions(argv) {
  const smoke = argv.includes("--smoke");
  const value = (name, fallback) => {
    const at = argv.indexOf(`--${name}`);
    return at === -1 ? fallback : argv[at + 1];
  };
  return {
    smoke,
    write: !smoke && !argv.includes("--no-write"),
    seed: Number(value("seed", 19)),
    requests: Number(value("requests", smoke ? 300 : 20_000)),
    sockets: Number(value("sockets", smoke ? 100 : 1000)),
    floods: smoke ? 1 : 3,
    runtimes: value("runtimes", (smoke ? SMOKE_RUNTIMES : SERVED_RUNTIMES).join(",")).split(","),
  };
}

/** The figures for one runtime; `fail` counts a defect and keeps the first examples. */
function newTally() {
  const tally = {
    requests: 0,
    sockets: 0,
    crashes: 0,
    hangs: 0,
    wrongStatus: 0,
    internals: 0,
    unreported: 0,
    doubleReported: 0,
    clientErrorsReported: 0,
    wrongCloseCodes: 0,
    unexpected1006: 0,
    lostMessages: 0,
    leakedSessions: 0,
    examples: [],
    /** What the runtime did before or around edgelette, shown by the run itself: counted apart. */
    attributed: {},
    fail(kind, example) {
      tally[kind]++;
      if (tally.examples.length < EXAMPLES) tally.examples.push(`${kind}: ${example}`);
    },
    attribute(what, example) {
      tally.attributed[what] ??= { count: 0, examples: [] };
      const entry = tally.attributed[what];
      entry.count++;
      if (entry.examples.length < 3) entry.examples.push(example);
    },
  };
  return tally;
}

/** How many failures each runtime lists by example (\`STRESS_EXAMPLES\` to see more). */
const EXAMPLES = Number(process.env.STRESS_EXAMPLES ?? 12);

async function attack(runtime, options) {
  const tally = newTally();
  const random = seeded(options.seed);
  const server = await startTarget(runtime);
  const fetchStats = () => stats(server);
  tally.rssStart = rssOf(server.memoryPid);
  try {
    await phase("malformed", () => malformed(server, tally));
    const expected = await phase("fuzz", () => fuzz(server, tally, random, options.requests, 1));
    const wsExpected = await phase("storm", () =>
      storm(server, tally, random, options.sockets, 1_000_000),
    );
    await phase("close codes", () => forbiddenCodes(server, tally));
    await phase("flood", async () => {
      for (let i = 0; i < options.floods; i++) {
        await floodNonReader(server, tally, `flood-${i}`, fetchStats, runtime !== "workerd");
      }
    });
    await settle(fetchStats, tally);
    const seen = await fetchStats();
    countReports(new Map([...expected, ...wsExpected]), seen, tally);
    tally.rssEnd = rssOf(server.memoryPid);
  } catch (error) {
    if (server.alive) throw error;
    tally.fail("crashes", `${runtime} exited: ${server.output.slice(-400)}`);
  }
  if (!server.alive) tally.fail("crashes", `${runtime} exited: ${server.output.slice(-400)}`);
  // workerd's shutdown is the platform's: Miniflare's dispose is no graceful close() to attack.
  else if (runtime === "workerd") await server.stop();
  else await phase("shutdown", () => shutdownUnderLoad(server, tally));
  return tally;
}

/** Runs one attack, naming it as it goes (a run that stops says where). */
async function phase(name, fn) {
  process.stdout.write(`${name} `);
  return fn();
}

/** Sessions still running once every client is gone are leaks; give them a moment to end. */
async function settle(fetchStats, tally) {
  let live = (await fetchStats()).live;
  for (let tries = 0; tries < 50 && live > 0; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    live = (await fetchStats()).live;
  }
  for (let n = 0; n < live; n++) tally.fail("leakedSessions", "a WebSocket endpoint still running");
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const machine = describeMachine();
  await buildForNode(); // the Node server, workerd's, and the raw WebSocket client every runtime meets
  const results = {};
  for (const runtime of options.runtimes) {
    const started = Date.now();
    process.stdout.write(`${runtime} … `);
    results[runtime] = await attack(runtime, options);
    console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  console.log(renderTable(results));
  for (const [runtime, tally] of Object.entries(results)) {
    for (const example of tally.examples) console.log(`  ${runtime}: ${example}`);
  }
  console.log(renderAttributed(results));
  if (options.write) {
    writeFileSync(`${ROOT}docs/RELIABILITY.md`, renderReport(results, options, machine));
    console.log("wrote docs/RELIABILITY.md");
  }
  const defects = Object.values(results).some((tally) => tally.examples.length > 0);
  process.exitCode = defects ? 1 : 0;
}

await main();
