/**
 * `node bench/ties.mjs [path]`: how sure the last run is of each in-process
 * verdict (a full `npm run bench`, or `bench/run.mjs --phases=inprocess`).
 * A target compares two medians (edgelette/bare against the best binding
 * peer's /bare); this takes edgelette's cost over that peer's, round by round,
 * and gives its median with a 95% interval, bootstrapped from the rounds
 * (2,000 resamples, a fixed seed, so the same run prints the same figures). An
 * interval that holds 1 is a tie this many rounds cannot separate. The
 * rounds come from several processes in turn, each its own draw of how the
 * runtime compiled the code: the median of each process is shown too. Reads the
 * samples such a run keeps (node_modules/.cache/edgelette-bench/last-run.json).
 */
import { existsSync, readFileSync } from "node:fs";
import { NODE_BUILD } from "./lib/processes.mjs";
import { median, pairedRatio } from "./lib/stats.mjs";
import { IN_PROCESS_CELLS, peerRatios } from "./lib/targets.mjs";

const RESAMPLES = 2000;

/** mulberry32: a small seeded generator; `Math.random` would print new figures each time. */
function seeded(seed) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The median of `ratios` and the 2.5th and 97.5th percentiles of its bootstrapped medians. */
function interval(ratios, random) {
  const medians = [];
  for (let i = 0; i < RESAMPLES; i++) {
    const sample = ratios.map(() => ratios[Math.floor(random() * ratios.length)]);
    medians.push(median(sample));
  }
  medians.sort((a, b) => a - b);
  const at = (share) => medians[Math.floor(share * (RESAMPLES - 1))];
  return { median: median(ratios), low: at(0.025), high: at(0.975) };
}

/** `rounds` cut into each process's share, in order; one share for a run from before the split. */
function byProcess(rounds, shares = [rounds.length]) {
  const parts = [];
  let from = 0;
  for (const share of shares) {
    parts.push(rounds.slice(from, from + share));
    from += share;
  }
  return parts;
}

const path = process.argv[2] ?? `${NODE_BUILD}last-run.json`;
if (!existsSync(path)) throw new Error(`${path}: no run's samples yet (npm run bench keeps them)`);
const results = JSON.parse(readFileSync(path, "utf8"));
const random = seeded(13);
console.log(`In-process verdicts of the run of ${results.machine.date} (${path}):\n`);
console.log(
  "| runtime | cell | edgelette/bare | best peer/bare | edgelette/peer, 95% interval | per process | reads as |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const [runtime, phases] of Object.entries(results.runtimes)) {
  const costs = phases.inprocess?.costs ?? {};
  for (const id of IN_PROCESS_CELLS) {
    if (!costs[id]) continue;
    const { ratios, best } = peerRatios(costs[id]);
    if (!best) continue;
    const own = pairedRatio(costs[id], "edgelette", "bare").median;
    const perRound = costs[id].edgelette.map((cost, round) => cost / costs[id][best][round]);
    const { median: ratio, low, high } = interval(perRound, random);
    const verdict = own <= ratios[best] ? "met" : "missed";
    const reading = low > 1 ? "slower" : high < 1 ? "faster" : "a tie";
    const processes = byProcess(perRound, phases.inprocess.processRounds)
      .map((rounds) => median(rounds).toFixed(2))
      .join(", ");
    console.log(
      `| ${runtime} | ${id} | ${own.toFixed(3)} | ${best} ${ratios[best].toFixed(3)} (${verdict}) | ${ratio.toFixed(3)} (${low.toFixed(3)}–${high.toFixed(3)}) | ${processes} | ${reading} |`,
    );
  }
}
