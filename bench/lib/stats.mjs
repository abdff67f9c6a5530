/**
 * Paired ratios. Each round measures every app back to back, so a ratio is
 * taken within a round (same heat, same neighbours) and only then summarised:
 * the median across rounds, with the spread (lowest and highest round).
 */

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * `costs[app]` holds one cost per round (time per request: lower is better).
 * Returns the median and spread of `costs[a][i] / costs[b][i]`: above 1 means
 * `a` is slower; undefined when either app was not measured.
 */
export function pairedRatio(costs, a, b) {
  if (!costs?.[a] || !costs[b]) return undefined;
  const ratios = costs[a].map((cost, round) => cost / costs[b][round]);
  if (ratios.length === 0 || ratios.some((ratio) => !Number.isFinite(ratio))) return undefined;
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/** The frameworks edgelette is compared with, and the one that compiles code at run time. */
export const PEERS = ["hono", "elysia", "h3"];
export const CODEGEN_PEERS = new Set(["elysia"]);

/** The comparisons every table shows, in column order: every app over bare, then the noise control. */
export const COMPARISONS = [
  ["edgelette", "bare"],
  ...PEERS.map((peer) => [peer, "bare"]),
  ["bare2", "bare"],
];

/** Every comparison for one scenario's per-round costs; missing apps give undefined. */
export function compare(costs) {
  return COMPARISONS.map(([a, b]) => pairedRatio(costs, a, b));
}

/** How far bare2/bare strayed from 1 in its worst round: what a difference must exceed. */
export function noiseMargin(costs) {
  const noise = pairedRatio(costs, "bare2", "bare");
  return noise ? Math.max(noise.max - 1, 1 - noise.min) : 0;
}
