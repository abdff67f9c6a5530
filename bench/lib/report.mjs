/**
 * The tables: printed, and written to docs/BENCHMARKS.md with the machine,
 * the versions and the date. Ratios only: absolute numbers drift here.
 */
import { COMPARISONS, compare } from "./stats.mjs";
import { targets } from "./targets.mjs";

const HEADER = `# Benchmarks

\`npm run bench\` runs everything (about 25 minutes on 2 cores) and rewrites this file.
\`npm run bench -- --smoke\` (about 15 s, part of \`npm test\`) only checks that every app answers
every scenario correctly on every runtime, in process and over HTTP. \`--quick\` is a short run
for working on the harness; its numbers are not for quoting. Narrow a run with
\`--runtimes=node,deno,bun\` and \`--phases=inprocess,memory,http\`; \`--no-write\` only prints;
\`--rounds=N\` sets the HTTP rounds and \`--inprocess-rounds=N\` the in-process ones;
\`--apps=bare,bare2,hono,edgelette\` (with \`--no-write\`) times only those apps side by side
in process.
The code is in \`bench/\`: the apps in \`bench/apps/\`, the scenarios in \`bench/scenarios.ts\`.
\`node bench/ab.mjs --base <git-ref>\` compares edgelette at another commit with the working
tree, in process on every runtime (see "A/B" below).

Six apps with the same observable behaviour: **bare** (a hand-written \`fetch\` with a switch,
throwing and catching an \`Error\` subclass), **hono** 4 (\`app.notFound\`, \`app.onError\`, Hono's
\`HTTPException\`, its \`bodyLimit\` middleware), **elysia** 1.4 (a custom error class registered
with \`.error()\`, one \`onError\`, a route \`parse\` hook for the body rules), **h3** 2 (\`HTTPError\`,
\`onError\` with \`silent: true\`, its \`bodyLimit\` middleware) and **edgelette** (a JSON 404
handler, a JSON handler for the \`HTTPException\` class, a JSON 500 handler, \`readJson\`).
**bare2** is a second copy of bare: the noise control. Every app answers S7 as edgelette's
\`readJson\` does (S-BAD-1): 415 for another content type, 413 over 1 MiB, 400 for malformed
JSON, 422 for an invalid user; all four are checked before anything is timed. Content types
are compared as media types, not spellings (S-RES-8: a string body carries the runtime's own
\`text/plain;charset=UTF-8\`).

**Elysia generates code at run time**: it compiles each route's handler with \`new Function\`,
which workerd (Cloudflare Workers) forbids. Its figures are shown, but the targets hold
edgelette to the best peer that does not (Hono or h3); Elysia's cells are marked \`*\`.

| | scenario |
| --- | --- |
| S1 | \`GET /\` → text |
| S2 | \`GET /users/42\` → JSON (path parameter) |
| S3 | \`GET /missing\` → custom JSON 404 |
| S4 | \`GET /admin\` → \`HTTPException(403)\` (or the framework's own) → JSON handler |
| S5 | \`GET /boom\` → thrown \`Error\` → JSON 500 |
| S6 | WebSocket echo round trip (over the network only) |
| S7 | \`POST /users\` with a JSON body, read and validated (201 timed; 422, 400, 415, 413 checked) |

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
warm-up, each round times one chunk per app on every scenario (each request answered and its
body read, \`await (await app.fetch(request)).text()\`), the apps interleaved and their order
rotated from round to round; the full run has 151 rounds, shared by five processes run one
after another (30 or 31 rounds each, pooled): how a process compiles the shared code is a
draw, and three Deno processes in a row put edgelette's \`GET /\` at 0.94, 0.98 and 1.06×
Hono's cost. All six apps share each process, and what the others answer with moves a
cell: on Deno, edgelette's thrown \`Error\` reads 0.99–1.01× Hono's cost with only bare and
Hono beside it and 1.04–1.15× with Elysia and h3 there too (\`docs/benchmark-runs.md\`).
Timed a few milliseconds apart, the apps share the machine's drift, and the noise
control stays within a few percent: runs 1–10 timed 150 ms per app and round, nine rounds, and
a cell swung by up to 20% from run to run (\`docs/benchmark-runs.md\`). *HTTP*: a round starts one server process per app on 127.0.0.1
(port 0), checks every response, warms each up for a second, times it, and stops it by its PID;
the next round starts new processes. Two processes of the same app, timed side by side, stayed
apart by up to 9% for a whole run, so one process per app made every round the same draw. Each app is served the way its own docs say where that server is installed: edgelette
with its adapter's \`serve(app)\` (so its numbers include the adapter); h3 with its own
\`serve(app)\` (srvx) on every runtime; on Deno, Hono and Elysia with \`Deno.serve(app.fetch)\`;
on Bun, Hono with \`Bun.serve({ fetch: app.fetch, websocket })\` and Elysia with its own
\`app.listen()\`; bare with \`Deno.serve\` / \`Bun.serve\` directly. On Node, Hono, Elysia and bare
go through edgelette's \`adapters/node.ts\` (\`@hono/node-server\` and \`@elysiajs/node\` are not
dependencies). \`wrk -t1 -c32\` runs for whole seconds per app and scenario, after a warm-up on a
mix of every check but the 413 (sent once, last); a run whose statuses are not the expected ones
fails. The limit checks of bare, Elysia and h3 trust a declared \`Content-Length\` (every server
here stops the body there); edgelette and Hono also count a body of unknown length. *S6*: a
\`ws\` client in the orchestrator keeps 8 connections each sending, awaiting the echo and sending
again. The bare echo is \`Deno.upgradeWebSocket\`, \`server.upgrade\`, and on Node a hand-written
\`ws\` server; Elysia's is its \`.ws()\` (Bun only); h3's would need crossws and Hono's on Node
\`@hono/node-ws\` (neither installed). Server and load generator share the machine's cores.
*Memory*: see that section.

**A/B.** \`node bench/ab.mjs --base <git-ref>\` measures a change to edgelette itself. It builds
the code at \`<git-ref>\` (from \`git archive\`, so the repository is untouched) and the working
tree, uncommitted changes included, with the project's tsc into a temporary folder outside the
repository, and loads both in one process per runtime (Node, Deno, Bun). The bench's edgelette
app is built from each (\`new\`, \`old\`, and a second \`old\` as the noise control), checked
against every scenario, then timed on the in-process scenarios, the three interleaved and their
order rotated per round. It prints a markdown table: \`new/old\` per runtime and scenario (median
of the paired rounds, lowest and highest in brackets), \`old2/old\` beside it, the medians in ns,
the rounds \`new\` was cheaper in, and a verdict: faster or slower only when a sign test over the
paired rounds gives p < 0.05. A round swings by a third either way here, so the default
(rounds of 150 ms, each request built, answered and its body read) resolves changes of about
10% and more. \`--calls\` times the app's \`fetch\` alone, bodies unread, one chunk of
1,024 calls per app and round, 301 rounds: the framework's own work per request. It resolves
about 5%; on Deno, results of 1–3% flipped between two runs of the same comparison (each
process compiles differently), so repeat one before trusting it. With \`--read-bodies\`, each body is read inside the timed
chunk too: what a response class adds on reading. Options: \`--runtimes=node,deno,bun\`, \`--scenarios=S1,S4\`, \`--rounds=9\`,
\`--sample-ms=150\`, \`--calls\`, \`--read-bodies\`, \`--keep\` (keep the builds). Both builds resolve packages through
this checkout's \`node_modules\`.`;

function cell(ratio) {
  if (!ratio) return "n/a";
  return `${ratio.median.toFixed(2)} (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`;
}

function ratioTable(rows) {
  const name = (app) => (app === "elysia" ? "elysia*" : app);
  const head = `| runtime | scenario | ${COMPARISONS.map(([a, b]) => `${name(a)}/${b}`).join(" | ")} |`;
  const rule = `| --- | --- | ${COMPARISONS.map(() => "---").join(" | ")} |`;
  if (rows.length === 0) return "Not run.";
  const body = rows.map(
    ({ runtime, id, costs }) => `| ${runtime} | ${id} | ${compare(costs).map(cell).join(" | ")} |`,
  );
  return [head, rule, ...body].join("\n");
}

/** `measure`: `costs` (time per request, or 1 / throughput) or, over HTTP, `cpu`. */
function rowsOf(results, phase, measure = "costs") {
  return Object.entries(results.runtimes).flatMap(([runtime, phases]) =>
    Object.entries(phases[phase]?.[measure] ?? {}).map(([id, costs]) => ({ runtime, id, costs })),
  );
}

function megabytes(bytes) {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

function bytesCell(bytes, id) {
  const value = bytes?.[id];
  return value === undefined || value === null ? "n/a" : String(value);
}

function memoryTable(memory, counts) {
  const order = ["bare", "hono", "elysia", "h3", "edgelette"];
  const rows = Object.entries(memory ?? {}).flatMap(([runtime, apps]) =>
    order
      .filter((app) => apps[app])
      .map((app) => {
        const m = apps[app];
        if (m.error) return `| ${runtime} | ${app} | failed (see below) | | | | | |`;
        const growth = m.afterLarge.heap - m.afterSmall.heap;
        const sign = growth >= 0 ? "+" : "";
        const bytes = `${bytesCell(m.bytes, "S1")} | ${bytesCell(m.bytes, "S4")}`;
        return `| ${runtime} | ${app} | ${megabytes(m.afterSmall.heap)} | ${megabytes(m.afterLarge.heap)} | ${sign}${megabytes(growth)} | ${megabytes(m.afterLarge.rss)} | ${bytes} |`;
      }),
  );
  if (rows.length === 0) return "Not run.";
  const [small, large] = [counts.small, counts.large].map((n) => n.toLocaleString("en"));
  return [
    `Heap used after a forced GC, after ${small} and after ${large} mixed requests in process (every check of S1–S5 and S7 but the 413, in turn, back to the event loop every 1,000), one process per app. A leak shows as growth. Bun reports JavaScriptCore's heap, which is not comparable with V8's; RSS includes memory the allocator keeps.`,
    "",
    "**Bytes per request** (S1, S4): JavaScript heap allocated per request, garbage included, in a second process per app. After a warm-up, the heap is read after a forced GC and again after 1,000 requests (built beforehand) with a 64 MB young generation (`--max-semi-space-size=64`), so no collection runs between the two readings; the largest of 7 such windows is shown (a collection inside a window could only lower it). Building the requests is not counted. On Bun the reading is JavaScriptCore's heap capacity (`heapCapacity` from `bun:jsc`), since its heap size moves only when it collects: the blocks the requests took beyond the cells the forced GC freed, so it can only undercount. Only the JavaScript heap is counted on every runtime, not what the runtime allocates natively for a `Request` or `Response` (most of either on Bun).",
    "",
    `| runtime | app | heap after ${small} | heap after ${large} | growth | RSS after ${large} | bytes/request S1 | bytes/request S4 |`,
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
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
    "## Targets",
    "Issue 13's targets, each judged on this run's median. In process, edgelette/bare must be at or below the best peer's ratio on that cell (Hono or h3: Elysia compiles code at run time, marked `*`), and on Bun within fixed limits. Over HTTP, edgelette's throughput must be at least each peer's, a miss counting only beyond the noise control's spread (how far `bare2/bare` strayed from 1 in its worst round; a median between the limit and that margin reads **within noise**), and at least 95% of bare's on S1.",
    targets(results),
    "## In process: `await (await app.fetch(request)).text()`",
    ratioTable(rowsOf(results, "inprocess")),
    "## HTTP on 127.0.0.1: wrk (S1–S5, S7) and a `ws` echo client (S6)",
    ratioTable(rowsOf(results, "http")),
    "## HTTP: server CPU time per request",
    "The same wrk runs, measured by the server's own CPU time (user and system, every thread, from `/proc/<pid>/stat`) over each run, divided by the requests it answered; ratios over bare's, paired by round as above. wrk and the server share the two cores, so throughput also depends on how the scheduler split them between the two; CPU per request is what the server itself spent. It is no steadier than throughput on this machine (the runtimes' own collector and compiler threads vary it), so it is not judged (the targets are throughput); the targets table shows it beside each HTTP target, to tell a server that spent more from one that got less of the cores.",
    ratioTable(rowsOf(results, "http", "cpu")),
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
