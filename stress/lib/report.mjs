/** The stress figures as a terminal table and as docs/RELIABILITY.md. */

const COLUMNS = [
  ["requests", "requests"],
  ["sockets", "WebSockets"],
  ["crashes", "crashes"],
  ["hangs", "hangs"],
  ["wrongStatus", "wrong status"],
  ["internals", "internals shown"],
  ["unreported", "unreported"],
  ["doubleReported", "double-reported"],
  ["clientErrorsReported", "client errors reported"],
  ["wrongCloseCodes", "wrong close codes"],
  ["unexpected1006", "unexpected 1006"],
  ["lostMessages", "lost messages"],
  ["leakedSessions", "leaked sessions"],
];

const mib = (value) => (Number.isFinite(value) ? `${value.toFixed(0)} MiB` : "n/a");

function rows(results) {
  return Object.entries(results).map(([runtime, tally]) => [
    runtime,
    ...COLUMNS.map(([key]) => String(tally[key])),
    `${mib(tally.rssStart)} → ${mib(tally.rssEnd)} (flood peak ${mib(tally.floodPeakRss)})`,
  ]);
}

const HEAD = ["runtime", ...COLUMNS.map(([, label]) => label), "RSS start → end"];

export function renderTable(results) {
  const table = [HEAD, ...rows(results)];
  const widths = HEAD.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ")).join("\n");
}

function markdownTable(results) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(HEAD), line(HEAD.map(() => "---")), ...rows(results).map(line)].join("\n");
}

/**
 * What each runtime did underneath, counted apart from the defects: only what
 * the run itself shows is the runtime's (its own log line for that exchange,
 * or a reset on a connection it closed after an answer that says why).
 */
export function renderAttributed(results) {
  const lines = Object.entries(results).flatMap(([runtime, tally]) =>
    Object.entries(tally.attributed).map(
      ([what, { count, examples }]) =>
        `- ${runtime}, ${count}×: ${what} (e.g. ${examples.map((each) => `\`${each}\``).join(", ")})`,
    ),
  );
  if (lines.length === 0) return "";
  return `The runtime's, not edgelette's (counted apart, see stress/README.md):\n\n${lines.join("\n")}\n`;
}

export function renderReport(results, options, machine) {
  const { versions } = machine;
  const examples = Object.entries(results).flatMap(([runtime, tally]) =>
    tally.examples.map((example) => `- ${runtime}: ${example}`),
  );
  return `# Reliability under attack

Figures of one full \`npm run stress\` run (seed ${options.seed}): per runtime,
${options.requests.toLocaleString("en")} fuzzed requests plus the malformed ones and the
shutdown load, ${options.sockets.toLocaleString("en")} scripted WebSockets plus the raw
ones, ${options.floods} floods to a client that stops reading. Every column but
requests, WebSockets and RSS must read 0. How each attack works and what its
oracle checks: [stress/README.md](../stress/README.md).

${markdownTable(results)}

${examples.length ? `What failed (first examples):\n\n${examples.join("\n")}\n` : "Nothing failed."}

${renderAttributed(results)}
## Reading the workerd row

workerd runs under Miniflare, the local dev server, and most of its row is
Miniflare's, not edgelette's and not production Workers':

- The malformed requests answered 500 (\`*\`, \`x\` and \`http://[bad\` targets, a
  duplicate \`Host\`, \`Content-Length\` with \`Transfer-Encoding\`, CONNECT) are
  answered by Miniflare's entry worker before edgelette runs.
- \`GET /hang\` (a handler that never settles) is answered by workerd's hang
  detector: a 500 whose body is a stack of Miniflare's \`entry.worker.js\`
  (counted under "internals shown"), and nothing reaches \`onError\` (counted
  under "unreported"). \`serve()\`'s \`requestTimeout\` does not exist on workerd;
  \`App\`'s \`requestTimeout\` (issue 19 item 19) is what
  answers it there.
- The ECONNRESETs are keep-alive connections workerd reset after an earlier
  request on them; \`worker()\` now reads up to 1 MiB of a refused request's
  unread body (that case is tested in test/runtimes/workerd-wire/), the rest
  are not yet attributed.
- "unreported" also holds the bodies that fail midway (\`/stream/*\`): on
  workerd the failure of a streamed body did not reach \`onError\` in this run;
  not yet investigated.
- The flood is unbounded by design there (workerd exposes no buffered
  amount): every message arrived, and workerd's RSS grew with it.

Machine: ${machine.cpu}, ${machine.memory}, ${machine.os}; load at start ${machine.loadAtStart}.
Versions: Node ${versions.node}, ${versions.deno}, Bun ${versions.bun}, ws ${versions.ws},
hono ${versions.hono}; edgelette ${versions.edgelette}. Run on ${machine.date}.
`;
}
