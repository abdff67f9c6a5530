/** Command-line options and the presets they pick. */

const PRESETS = {
  // Correctness only: every app × scenario × runtime answers as expected.
  smoke: { timed: false },
  // For developing the harness: every phase, short (about 2 minutes). One
  // HTTP round: wrk counts whole seconds, and 3 runtimes × 24 runs add up.
  quick: {
    timed: true,
    inprocess: { rounds: 15, processes: 1, warmupMs: 50, calls: true, readBodies: true },
    memory: { small: 10_000, large: 100_000 },
    http: { rounds: 1, seconds: 1, warmupSeconds: 1, connections: 32 },
    websocket: { seconds: 1, connections: 8 },
  },
  // The real run (about 25 minutes on 2 cores). In process, a round is one chunk of
  // 1,024 requests per app, bodies read: over ten full runs, rounds of 150 ms per app
  // (nine of them) swung by up to 20% from run to run, and 151 short rounds, the apps
  // timed a few milliseconds apart, keep the noise control within a few percent.
  full: {
    timed: true,
    // The rounds are shared by five processes in turn (see bench/lib/inprocess.mjs).
    inprocess: { rounds: 151, processes: 5, warmupMs: 200, calls: true, readBodies: true },
    memory: { small: 10_000, large: 1_000_000 },
    // Over HTTP a round starts new server processes (see bench/lib/http.mjs): five
    // rounds are five draws of each process, each warmed up for a second first.
    http: { rounds: 5, seconds: 1, warmupSeconds: 1, connections: 32 },
    websocket: { seconds: 1, connections: 8 },
  },
};

const ALL_RUNTIMES = ["node", "deno", "bun"];
const ALL_PHASES = ["inprocess", "memory", "http"];
const ALL_APPS = ["bare", "hono", "elysia", "h3", "edgelette", "bare2"];

function listOption(args, name, allowed) {
  const given = args.find((arg) => arg.startsWith(`--${name}=`));
  if (given === undefined) return allowed;
  const values = given.slice(name.length + 3).split(",");
  const unknown = values.filter((value) => !allowed.includes(value));
  if (unknown.length > 0) {
    throw new Error(`--${name}: unknown ${unknown.join(", ")}; choose from ${allowed.join(", ")}`);
  }
  return values;
}

function roundsOption(args, name) {
  const given = args.find((arg) => arg.startsWith(`--${name}=`));
  if (given === undefined) return undefined;
  const rounds = Number(given.slice(name.length + 3));
  if (rounds < 1) throw new Error(`--${name} must be at least 1`);
  return rounds;
}

/** The preset, with `--rounds=N` applied over HTTP (the echo included) and `--inprocess-rounds=N` in process. */
function withRounds(preset, args) {
  if (!preset.timed) return preset;
  const rounds = roundsOption(args, "rounds");
  const inprocessRounds = roundsOption(args, "inprocess-rounds");
  const changed = { ...preset };
  if (rounds !== undefined) changed.http = { ...preset.http, rounds };
  if (inprocessRounds !== undefined) {
    changed.inprocess = { ...preset.inprocess, rounds: inprocessRounds };
  }
  return changed;
}

export const USAGE = `npm run bench [-- options]
  (none)        the full run (about 25 minutes); writes docs/BENCHMARKS.md
  --smoke       correctness only (about 20 s): every app × scenario × runtime, in process and over HTTP
  --quick       every phase, short, for developing the harness (numbers not for quoting)
  --runtimes=node,deno,bun    --phases=inprocess,memory,http    --no-write (print only)
  --rounds=N    rounds over HTTP, each on new server processes (more: steadier medians, longer run)
  --inprocess-rounds=N    rounds in process, one chunk of 1,024 requests per app each (151)
  --apps=bare,hono,edgelette    the apps timed side by side in process (default all six;
                bare and edgelette always); with --no-write, since a peer left out has no cell`;

export function parseOptions(args) {
  const known =
    /^--(smoke|quick|no-write|help|runtimes=.*|phases=.*|apps=.*|(inprocess-)?rounds=\d+)$/;
  const bad = args.find((arg) => !known.test(arg));
  if (bad !== undefined) throw new Error(`unknown option ${bad}\n${USAGE}`);
  if (args.includes("--smoke") && args.includes("--quick")) {
    throw new Error("--smoke and --quick exclude each other");
  }
  const mode = args.includes("--smoke") ? "smoke" : args.includes("--quick") ? "quick" : "full";
  const apps = listOption(args, "apps", ALL_APPS);
  const write = mode !== "smoke" && !args.includes("--no-write");
  if (!apps.includes("bare") || !apps.includes("edgelette")) {
    throw new Error(
      "--apps must name bare and edgelette: every cell is edgelette's cost over bare's",
    );
  }
  if (new Set(apps).size < ALL_APPS.length && write) {
    throw new Error("--apps needs --no-write: docs/BENCHMARKS.md holds runs of every app");
  }
  return {
    mode,
    help: args.includes("--help"),
    ...withRounds(PRESETS[mode], args),
    runtimes: listOption(args, "runtimes", ALL_RUNTIMES),
    phases: listOption(args, "phases", ALL_PHASES),
    apps,
    write,
  };
}
