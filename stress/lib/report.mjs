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

workerd is served by workerd itself (\`workerd serve\` on the bundle wrangler
builds), as Cloudflare runs a Worker: not by Miniflare, whose entry worker, a
dev-server layer production never runs, stands between the socket and the
app. What workerd does underneath edgelette is listed
apart, below the table, and only where the run itself shows it is workerd's:

- workerd's HTTP server answers some malformed requests with a bare 500
  before any Worker code runs: a target it cannot make a URL of (\`*\`, \`x\`,
  \`http://[bad\`), a duplicate \`Host\`, \`Content-Length: -1\`, and CONNECT.
  Such a 500 is workerd's only when workerd logs, during that exchange, an
  "Uncaught exception" raised in its own C++ (\`kj/compat/url.c++\`,
  \`kj/compat/http.c++\`, or \`worker-entrypoint.c++\` refusing CONNECT);
  nothing reaches \`onError\`. Any other 500 counts as a wrong status.
- workerd closes a keep-alive connection right after two kinds of answer,
  without \`Connection: close\` (it drops that header from a Worker's
  response): a body that failed midway, which it ends like a complete one
  (cloudflare/workerd#6818), and a refusal whose request body, over 1 MiB,
  was left unread (\`worker()\` reads up to 1 MiB of it first). A client that
  sends its next request on that connection before it sees the close gets
  ECONNRESET, and that request never reached the Worker. Such a reset is
  workerd's only when it came on a reused connection whose previous request
  was one of those two; any other reset counts as a wrong status.
- The flood is unbounded by design there (workerd exposes no buffered
  amount): every message must arrive, and workerd's RSS grows with it.
- There is no graceful \`close()\` to attack on workerd, so no shutdown phase.

Machine: ${machine.cpu}, ${machine.memory}, ${machine.os}; load at start ${machine.loadAtStart}.
Versions: Node ${versions.node}, ${versions.deno}, Bun ${versions.bun}, ws ${versions.ws},
hono ${versions.hono}; edgelette ${versions.edgelette}. Run on ${machine.date}.
`;
}
