/**
 * `node bench/node-floor.mjs [--rounds=3] [--seconds=3] [--scenarios=S1,S7]`: server CPU time per
 * request on Node, for the floors a Fetch-API server cannot go below and for
 * h3 and edgelette, on `GET /` (S1) and the JSON `POST /users` (S7). Each
 * server runs alone under `wrk -t1 -c32`; its CPU time (user + system, from
 * /proc) over the run is divided by the requests served.
 *
 * - `node:http`: the text written, nothing else; for S7, the body read from
 *   Node's stream and parsed (h3's srvx is close to this for `GET /`: it hands
 *   the app a look-alike of `Request`, built only as far as it is read);
 * - S7's `web stream read by a Response`: the body as h3 reads it (srvx turns
 *   Node's stream into a web stream once h3's `bodyLimit` has looked at the
 *   body, and reads it through a `Response`), still with no `Request`;
 * - `+ Request`: a real undici `Request` built per request, as an adapter that
 *   keeps `fetch(request)` working must; for S7 its body is Node's stream as a
 *   web stream, read by `request.text()`;
 * - `+ Response`: a real `Response` too, as an app returns one (S1);
 * - `+ Response, no body stream`: what edgelette's text responses build on
 *   Node (their text is written as it is; the stream is made only if read) (S1).
 * Linux only (/proc). Throughput here is not the bench's: one server at a time.
 */
import { buildForNode } from "./lib/build.mjs";
import { startServer } from "./lib/processes.mjs";
import { median } from "./lib/stats.mjs";
import { ensureWrk, measureWrk, runWrk } from "./lib/wrk.mjs";

const FLOOR = "servers/node-floor";
const TARGETS = {
  S1: [
    { name: "node:http", app: "node:http", server: FLOOR },
    { name: "node:http + Request", app: "request", server: FLOOR },
    { name: "node:http + Request + Response", app: "response", server: FLOOR },
    { name: "node:http + Request + Response, no body stream", app: "deferred", server: FLOOR },
    { name: "h3 (srvx)", app: "h3", server: "servers/node" },
    { name: "edgelette", app: "edgelette", server: "servers/node" },
  ],
  S7: [
    { name: "node:http, body read from its stream", app: "node:http", server: FLOOR },
    {
      name: "node:http, body as a web stream read by a `Response` (h3's path)",
      app: "stream",
      server: FLOOR,
    },
    { name: "node:http + Request, body read by `text()`", app: "request", server: FLOOR },
    { name: "h3 (srvx)", app: "h3", server: "servers/node" },
    { name: "edgelette", app: "edgelette", server: "servers/node" },
  ],
};

function option(name, fallback) {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  const value = given === undefined ? fallback : Number(given.slice(name.length + 3));
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a whole number ≥ 1`);
  return value;
}

/** Every server answers the probe as the bench expects before it is timed. */
async function checked(server, probe) {
  const { mismatch } = await import("./lib/scenarios.mjs");
  const response = await fetch(server.origin + probe.path, {
    method: probe.method,
    body: probe.body,
    headers: probe.contentType ? { "content-type": probe.contentType } : {},
    signal: AbortSignal.timeout(5000),
  });
  const body = await response.text();
  const problem = mismatch(probe, response.status, response.headers.get("content-type"), body);
  if (problem) throw new Error(`${server.app}: ${problem}`);
}

/** Microseconds of server CPU per request over one wrk run, after a warm-up. */
async function cpuPerRequest(target, probe, seconds) {
  const server = await startServer("node", target.app, target.server);
  try {
    await checked(server, probe);
    const options = { connections: 32, name: `floor-${target.app.replace(":", "")}` };
    await runWrk(server.origin, [probe], { ...options, seconds: 2 });
    const { cpu } = await measureWrk(server, probe, { ...options, seconds });
    if (cpu === undefined) throw new Error("node-floor reads CPU time from /proc: Linux only");
    return cpu;
  } finally {
    await server.stop();
  }
}

const chosen = process.argv
  .find((arg) => arg.startsWith("--scenarios="))
  ?.slice("--scenarios=".length)
  .split(",");
for (const id of chosen ?? []) {
  if (!(id in TARGETS)) throw new Error(`--scenarios: ${id} is not one of ${Object.keys(TARGETS)}`);
}
const rounds = option("rounds", 3);
const seconds = option("seconds", 3);
ensureWrk();
await buildForNode();
const { HTTP_SCENARIOS } = await import("./lib/scenarios.mjs");
for (const [scenario, targets] of Object.entries(TARGETS)) {
  if (chosen && !chosen.includes(scenario)) continue;
  const probe = HTTP_SCENARIOS.find((each) => each.id === scenario).timed;
  const costs = new Map(targets.map((target) => [target.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const target of targets)
      costs.get(target.name).push(await cpuPerRequest(target, probe, seconds));
  }
  const h3 = median(costs.get("h3 (srvx)"));
  console.log(
    `\nServer CPU per ${probe.method} ${probe.path} (${scenario}) on Node ${process.version}, wrk -t1 -c32, ${rounds} × ${seconds} s:\n`,
  );
  console.log("| server | µs CPU per request (median, range) | × h3's |");
  console.log("| --- | --- | --- |");
  for (const [name, list] of costs) {
    const range = `${Math.min(...list).toFixed(1)}–${Math.max(...list).toFixed(1)}`;
    console.log(
      `| ${name} | ${median(list).toFixed(1)} (${range}) | ${(median(list) / h3).toFixed(2)} |`,
    );
  }
}
