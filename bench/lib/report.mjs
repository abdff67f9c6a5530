/**
 * The tables: printed, and written to docs/BENCHMARKS.md with the machine,
 * the versions and the date. Ratios only: absolute numbers drift here.
 */
import { COMPARISONS, compare } from "./stats.mjs";

const HEADER = `# Benchmarks

\`npm run bench\` runs everything (about 10 minutes on 2 cores) and rewrites this file.
\`npm run bench -- --smoke\` (about 20 s) only checks that every app answers every scenario
correctly on every runtime, in process and over HTTP (for CI). \`--quick\` is a short run for
working on the harness; its numbers are not for quoting. Narrow a run with
\`--runtimes=node,deno,bun\` and \`--phases=inprocess,memory,http\`; \`--no-write\` only prints.
The code is in \`bench/\`: the three apps in \`bench/apps/\`, the scenarios in \`bench/scenarios.ts\`.

Three apps with the same observable behaviour: **bare** (a hand-written \`fetch\` with a switch,
throwing and catching an \`Error\` subclass), **hono** (\`app.notFound\`, \`app.onError\`, Hono's
\`HTTPException\`) and **edgelette** (a JSON 404 handler, a JSON handler for the
\`HTTPException\` class, a JSON 500 handler). **bare2** is a second copy of bare: the noise control.

| | scenario |
| --- | --- |
| S1 | \`GET /\` → text |
| S2 | \`GET /users/42\` → JSON (path parameter) |
| S3 | \`GET /missing\` → custom JSON 404 |
| S4 | \`GET /admin\` → \`HTTPException(403)\` → JSON handler |
| S5 | \`GET /boom\` → thrown \`Error\` → JSON 500 |
| S6 | WebSocket echo round trip (over the network only) |
| S7 | \`POST /users\` with a JSON body, read and validated (422 and 400 checked, 201 timed) |

**How to read a cell.** \`1.12 (1.05–1.20)\` is a cost ratio: the first app's time per request
over the second's, taken within one round (both measured back to back), then the median over the
rounds, with the lowest and highest round in brackets. Above 1, the first app is slower. Over
HTTP the cost is 1 / throughput, so throughput ratios are the inverse (0.95 of bare's throughput
is a cost ratio of 1.053). When \`bare2/bare\` is far from 1, the run was noisy: read the other
columns with that margin.

**Method.** *In process*: each runtime runs \`bench/inprocess.ts\` (Node 20 runs a copy compiled
by the project's tsc, see \`bench/lib/build.mjs\`). Requests are built in chunks of 1,024 outside
the timed part, as a server hands them over (S7's \`POST\` carries the \`Content-Length\` its client
would send); after each chunk the loop returns to the event loop, as a server would. After a
warm-up, each round times every app on every scenario, the apps interleaved and their order
rotated from round to round. *HTTP*: one server process per app on 127.0.0.1 (port 0), stopped by
its PID. On Node the four apps go through the same server code, edgelette's \`adapters/node.ts\`
(Hono's Node server is not a dependency). On Deno and Bun each app is served the way its own docs
say: edgelette with its adapter's \`serve(app)\` (so its numbers include the adapter), Hono with
\`Deno.serve(app.fetch)\` / \`Bun.serve({ fetch: app.fetch, websocket })\`, bare with
\`Deno.serve\` / \`Bun.serve\` directly. \`wrk -t1 -c32\` runs for whole seconds per app and
scenario, after a warm-up on a mix of every check; a run whose statuses are not the expected ones
fails. *S6*: a \`ws\` client in the orchestrator keeps 8 connections each sending, awaiting the
echo and sending again. The bare echo is \`Deno.upgradeWebSocket\`, \`server.upgrade\`, and on
Node a hand-written \`ws\` server; Hono on Node would need \`@hono/node-ws\` (not installed).
Server and load generator share the machine's cores.`;

function cell(ratio) {
  if (!ratio) return "n/a";
  return `${ratio.median.toFixed(2)} (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`;
}

function ratioTable(rows) {
  const head = `| runtime | scenario | ${COMPARISONS.map(([a, b]) => `${a}/${b}`).join(" | ")} |`;
  const rule = `| --- | --- | ${COMPARISONS.map(() => "---").join(" | ")} |`;
  if (rows.length === 0) return "Not run.";
  const body = rows.map(
    ({ runtime, id, costs }) => `| ${runtime} | ${id} | ${compare(costs).map(cell).join(" | ")} |`,
  );
  return [head, rule, ...body].join("\n");
}

function rowsOf(results, phase) {
  return Object.entries(results.runtimes).flatMap(([runtime, phases]) =>
    Object.entries(phases[phase]?.costs ?? {}).map(([id, costs]) => ({ runtime, id, costs })),
  );
}

function megabytes(bytes) {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

function memoryTable(memory, counts) {
  const rows = Object.entries(memory ?? {}).flatMap(([runtime, apps]) =>
    Object.entries(apps).map(([app, m]) => {
      if (m.error) return `| ${runtime} | ${app} | failed (see below) | | | |`;
      const growth = m.afterLarge.heap - m.afterSmall.heap;
      const sign = growth >= 0 ? "+" : "";
      return `| ${runtime} | ${app} | ${megabytes(m.afterSmall.heap)} | ${megabytes(m.afterLarge.heap)} | ${sign}${megabytes(growth)} | ${megabytes(m.afterLarge.rss)} |`;
    }),
  );
  if (rows.length === 0) return "Not run.";
  const [small, large] = [counts.small, counts.large].map((n) => n.toLocaleString("en"));
  return [
    `Heap used after a forced GC, after ${small} and after ${large} mixed requests in process (every check of S1–S5 and S7 in turn, back to the event loop every 1,000), one process per app. A leak shows as growth. Bun reports JavaScriptCore's heap, which is not comparable with V8's; RSS includes memory the allocator keeps.`,
    "",
    `| runtime | app | heap after ${small} | heap after ${large} | growth | RSS after ${large} |`,
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

/** How far bare2/bare strayed from 1 in its worst round: what a difference must exceed. */
function noiseMargin(noise) {
  return Math.max(noise.max - 1, 1 - noise.min);
}

/**
 * One row per target: the measured median, the noise control beside it, and
 * the verdict. The HTTP targets count a miss only beyond the noise control's
 * spread, as issue 6 states them; a median between the limit and that margin
 * is "within noise".
 */
function targetRow(target, runtime, costs, column, limit, { beyondNoise = false } = {}) {
  const ratios = costs ? compare(costs) : [];
  const ratio = ratios[column];
  if (!ratio) return `| ${target} | ${runtime} | n/a | | not measured |`;
  const noise = ratios[3];
  let verdict = ratio.median <= limit ? "met" : "missed";
  if (verdict === "missed" && beyondNoise && noise && ratio.median <= limit + noiseMargin(noise)) {
    verdict = "within noise";
  }
  return `| ${target} | ${runtime} | ${ratio.median.toFixed(2)} | ${cell(noise)} | ${verdict} |`;
}

/** The targets of issue 6, each with what this run measured. */
function targets(results) {
  const [EDGELETTE_BARE, HONO_BARE, EDGELETTE_HONO] = [0, 1, 2];
  const lines = [];
  for (const { runtime, id, costs } of rowsOf(results, "inprocess")) {
    const honoBare = compare(costs)[HONO_BARE]?.median ?? Number.NaN;
    const target = `in process ${id}: edgelette/bare ≤ hono/bare (${honoBare.toFixed(2)})`;
    lines.push(targetRow(target, runtime, costs, EDGELETTE_BARE, honoBare));
  }
  const bun = results.runtimes.bun?.inprocess?.costs;
  for (const [id, limit] of Object.entries({ S1: 1.15, S4: 1.3, S5: 1.3 })) {
    const target = `in process ${id}: edgelette/bare ≤ ${limit}`;
    lines.push(targetRow(target, "bun", bun?.[id], EDGELETTE_BARE, limit));
  }
  const beyondNoise = { beyondNoise: true };
  for (const { runtime, id, costs } of rowsOf(results, "http")) {
    if (id === "S6" && !compare(costs)[EDGELETTE_HONO]) continue; // no Hono echo on Node
    const target = `HTTP ${id}: edgelette/hono ≤ 1 (throughput ≥ Hono's)`;
    lines.push(targetRow(target, runtime, costs, EDGELETTE_HONO, 1, beyondNoise));
  }
  for (const [runtime, phases] of Object.entries(results.runtimes)) {
    const target = "HTTP S1: edgelette/bare ≤ 1.053 (≥ 95% of bare)";
    lines.push(targetRow(target, runtime, phases.http?.costs?.S1, EDGELETTE_BARE, 1 / 0.95));
  }
  const head =
    "| target | runtime | median | noise: bare2/bare | |\n| --- | --- | --- | --- | --- |";
  return [head, ...lines].join("\n");
}

/** Failures (a wrong answer, a server that did not start) and gaps (a scenario a runtime lacks). */
function failures(results) {
  const lines = [];
  for (const [runtime, phases] of Object.entries(results.runtimes)) {
    for (const [phase, result] of Object.entries(phases)) {
      for (const failure of result?.failures ?? []) {
        lines.push(`- FAILED ${runtime} ${phase}: ${failure.split("\n")[0]}`);
      }
      if (result?.noEcho?.length) {
        const apps = result.noEcho.join(", ");
        lines.push(`- gap: ${runtime} ${phase}: no WebSocket echo for ${apps} (S6 n/a)`);
      }
    }
  }
  for (const [runtime, apps] of Object.entries(results.memory ?? {})) {
    for (const [app, measured] of Object.entries(apps)) {
      if (measured.error) lines.push(`- FAILED ${runtime} memory ${app}: ${measured.error}`);
    }
  }
  return lines.length ? lines.join("\n") : "None.";
}

function runSection(results) {
  const { machine, options } = results;
  const versions = Object.entries(machine.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(", ");
  return [
    "## This run",
    "",
    `- date: ${machine.date}; mode: **${options.mode}**; took ${results.seconds} s`,
    `- machine: ${machine.cpu}, ${machine.memory}, ${machine.os}; load average at start ${machine.loadAtStart}`,
    `- versions: ${versions}`,
    `- in process: ${JSON.stringify(options.inprocess)}; HTTP: ${JSON.stringify(options.http)}; S6: ${JSON.stringify(options.websocket)}`,
  ].join("\n");
}

export function renderReport(results) {
  return [
    HEADER,
    runSection(results),
    "## Targets (for information)",
    "Issue 6's targets, each judged on this run's median. An HTTP target counts as missed only beyond the noise control's spread (how far `bare2/bare` strayed from 1 in its worst round); a median between the limit and that margin reads **within noise**.",
    targets(results),
    "## In process: `await (await app.fetch(request)).text()`",
    ratioTable(rowsOf(results, "inprocess")),
    "## HTTP on 127.0.0.1: wrk (S1–S5, S7) and a `ws` echo client (S6)",
    ratioTable(rowsOf(results, "http")),
    "## Memory",
    memoryTable(results.memory, results.options.memory),
    "## Failures and gaps",
    failures(results),
    "",
  ].join("\n\n");
}

export function renderSmoke(results) {
  const counts = Object.entries(results.runtimes).flatMap(([runtime, phases]) =>
    Object.entries(phases).map(([phase, result]) => `${runtime} ${phase} ${result.checked ?? 0}`),
  );
  return [
    `Smoke check (correctness only); responses checked: ${counts.join(", ")}`,
    failures(results),
  ].join("\n");
}
