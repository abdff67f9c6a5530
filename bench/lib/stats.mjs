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
 * Returns the median and spread of `costs[a][i] / costs[b][i]`: above 1 means `a` is slower.
 */
export function pairedRatio(costs, a, b) {
  const ratios = costs[a].map((cost, round) => cost / costs[b][round]);
  if (ratios.length === 0 || ratios.some((ratio) => !Number.isFinite(ratio))) return undefined;
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/** The comparisons every table shows, in column order. */
export const COMPARISONS = [
  ["edgelette", "bare"],
  ["hono", "bare"],
  ["edgelette", "hono"],
  ["bare2", "bare"],
];

/** Every comparison for one scenario's per-round costs; missing apps give undefined. */
export function compare(costs) {
  return COMPARISONS.map(([a, b]) => (costs[a] && costs[b] ? pairedRatio(costs, a, b) : undefined));
}
