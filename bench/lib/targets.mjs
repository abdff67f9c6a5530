/**
 * Issue 13's targets, each judged on one run: the measured value, the limit,
 * the noise control beside it, and the verdict. Elysia compiles its handlers
 * with `new Function` (workerd forbids it), so edgelette is held to the best
 * peer that does not; Elysia's figure is shown beside it.
 */
import { CODEGEN_PEERS, noiseMargin, PEERS, pairedRatio } from "./stats.mjs";

const BINDING_PEERS = PEERS.filter((peer) => !CODEGEN_PEERS.has(peer));
export const IN_PROCESS_CELLS = ["S1", "S2", "S3", "S4", "S5", "S7"];
const BUN_LIMITS = { S1: 1.2, S2: 1.3, S4: 1.2, S5: 1.2 };

function fixed(value) {
  return Number.isFinite(value) ? value.toFixed(2) : "n/a";
}

function noiseCell(costs) {
  const noise = pairedRatio(costs, "bare2", "bare");
  return noise ? `${fixed(noise.median)} (${fixed(noise.min)}–${fixed(noise.max)})` : "n/a";
}

/** met, missed, or (HTTP only) within the noise control's spread of the limit. */
function verdict(value, limit, costs, beyondNoise) {
  if (!Number.isFinite(value) || !Number.isFinite(limit)) return "not measured";
  if (value <= limit) return "met";
  if (beyondNoise && value <= limit + noiseMargin(costs)) return "within noise";
  return "missed";
}

/**
 * `cpu` (HTTP only): the same ratio of server CPU time per request, not judged:
 * it tells a cost difference from the cores being shared differently with wrk.
 */
function row({ target, runtime, value, limit, costs, beyondNoise = false, format = fixed, cpu }) {
  const result = verdict(value, limit, costs, beyondNoise);
  const noise = costs ? noiseCell(costs) : "";
  const cpuCell = cpu === undefined ? "" : fixed(cpu);
  return {
    result,
    line: `| ${target} | ${runtime} | ${format(value)} | ${noise} | ${cpuCell} | ${result} |`,
  };
}

/** The peers' ×bare medians for one cell: the best binding one, and every one for the label. */
export function peerRatios(costs) {
  const ratios = Object.fromEntries(
    PEERS.map((peer) => [peer, pairedRatio(costs, peer, "bare")?.median ?? Number.NaN]),
  );
  const binding = BINDING_PEERS.filter((peer) => Number.isFinite(ratios[peer]));
  const best = binding.sort((a, b) => ratios[a] - ratios[b])[0];
  return { ratios, best };
}

function inProcessRows(results) {
  const rows = [];
  for (const [runtime, phases] of Object.entries(results.runtimes)) {
    const costs = phases.inprocess?.costs ?? {};
    for (const id of IN_PROCESS_CELLS) {
      if (!costs[id]) continue;
      const { ratios, best } = peerRatios(costs[id]);
      const limit = best ? ratios[best] : Number.NaN;
      const others = PEERS.map(
        (peer) => `${peer} ${fixed(ratios[peer])}${CODEGEN_PEERS.has(peer) ? "*" : ""}`,
      ).join(", ");
      const target = `in process ${id}: edgelette/bare ≤ best peer's (${best ?? "none"} ${fixed(limit)}; ${others})`;
      const value = pairedRatio(costs[id], "edgelette", "bare")?.median;
      rows.push(row({ target, runtime, value, limit, costs: costs[id] }));
    }
  }
  const bun = results.runtimes.bun?.inprocess?.costs;
  for (const [id, limit] of Object.entries(BUN_LIMITS)) {
    if (!bun?.[id]) continue;
    const value = pairedRatio(bun[id], "edgelette", "bare")?.median;
    const target = `in process ${id}: edgelette/bare ≤ ${limit}`;
    rows.push(row({ target, runtime: "bun", value, limit, costs: bun[id] }));
  }
  return rows;
}

/** Over HTTP: edgelette's cost over each binding peer's ≤ 1 (throughput ≥ theirs), beyond noise. */
function httpRows(results) {
  const rows = [];
  for (const [runtime, phases] of Object.entries(results.runtimes)) {
    const cpuRatio = (id, other) => pairedRatio(phases.http?.cpu?.[id], "edgelette", other)?.median;
    for (const [id, costs] of Object.entries(phases.http?.costs ?? {})) {
      for (const peer of PEERS) {
        const value = pairedRatio(costs, "edgelette", peer)?.median;
        if (value === undefined) continue; // e.g. no echo for this peer (S6)
        const codegen = CODEGEN_PEERS.has(peer) ? " (not binding: `new Function`)" : "";
        const target = `HTTP ${id}: edgelette/${peer} ≤ 1 (throughput ≥ ${peer}'s)${codegen}`;
        const cpu = cpuRatio(id, peer);
        rows.push(row({ target, runtime, value, limit: 1, costs, beyondNoise: true, cpu }));
      }
    }
    const s1 = phases.http?.costs?.S1;
    if (!s1) continue;
    const value = pairedRatio(s1, "edgelette", "bare")?.median;
    const target = "HTTP S1: edgelette/bare ≤ 1.053 (≥ 95% of bare's throughput)";
    const cpu = cpuRatio("S1", "bare");
    rows.push(row({ target, runtime, value, limit: 1 / 0.95, costs: s1, beyondNoise: true, cpu }));
  }
  return rows;
}

/** Heap growth over the long run, and bytes per request at or below Hono's. */
function memoryRows(results) {
  const rows = [];
  for (const [runtime, apps] of Object.entries(results.memory ?? {})) {
    const ours = apps.edgelette;
    if (!ours || ours.error) continue;
    const growth = (ours.afterLarge.heap - ours.afterSmall.heap) / 2 ** 20;
    const limit = 0.5;
    const requests = results.options.memory.large.toLocaleString("en");
    const target = `memory: edgelette's heap growth over ${requests} requests ≤ ${limit} MB`;
    rows.push(row({ target, runtime, value: growth, limit, costs: undefined }));
    const format = (bytes) => String(bytes);
    for (const id of ["S1", "S4"]) {
      const value = ours.bytes?.[id];
      const limitBytes = apps.hono?.bytes?.[id];
      if (value === undefined || limitBytes === undefined) continue;
      const target = `memory ${id}: edgelette's heap bytes per request ≤ hono's (${limitBytes})`;
      rows.push(row({ target, runtime, value, limit: limitBytes, costs: undefined, format }));
    }
  }
  return rows;
}

/** The targets table and a count of verdicts (binding targets only). */
export function targets(results) {
  const rows = [...inProcessRows(results), ...httpRows(results), ...memoryRows(results)];
  const binding = rows.filter(({ line }) => !line.includes("not binding"));
  const count = (result) => binding.filter((each) => each.result === result).length;
  const summary = `Binding targets in this run: **${count("met")} met**, ${count("within noise")} within noise, **${count("missed")} missed**, ${count("not measured")} not measured (of ${binding.length}).`;
  const head =
    "| target | runtime | measured | noise: bare2/bare | server CPU (HTTP) | |\n| --- | --- | --- | --- | --- | --- |";
  return [summary, "", head, ...rows.map(({ line }) => line)].join("\n");
}
