/**
 * The HTTP phase for one runtime, round by round: one new server process per
 * app on 127.0.0.1, every response checked with fetch (and the echo with ws),
 * a warm-up, the wrk runs with the apps interleaved and their order rotated,
 * then the echo; the processes are stopped before the next round.
 */

import { startServer } from "./processes.mjs";
import {
  ALL_PROBES,
  HTTP_SCENARIOS,
  MIXED_PROBES,
  mismatch,
  WEBSOCKET_PATH,
} from "./scenarios.mjs";
import { measureWrk, runWrk } from "./wrk.mjs";
import { echoProblem, echoRate } from "./ws-echo.mjs";

const APPS = ["bare", "hono", "elysia", "h3", "edgelette", "bare2"];

function rotate(list, by) {
  const shift = by % list.length;
  return [...list.slice(shift), ...list.slice(0, shift)];
}

/** Appends one round's measure: `table[id][app]` holds one entry per round. */
function record(table, id, app, value) {
  table[id] ??= {};
  table[id][app] ??= [];
  table[id][app].push(value);
}

function wsUrl(server) {
  return server.wsPort ? `ws://127.0.0.1:${server.wsPort}${WEBSOCKET_PATH}` : undefined;
}

async function checkProbe(server, probe) {
  const init = { method: probe.method, signal: AbortSignal.timeout(5000) };
  if (probe.body)
    Object.assign(init, { body: probe.body, headers: { "content-type": probe.contentType } });
  try {
    const response = await fetch(server.origin + probe.path, init);
    const body = await response.text();
    return mismatch(probe, response.status, response.headers.get("content-type"), body);
  } catch (error) {
    return `${probe.label}: ${error.message}`;
  }
}

/** Every HTTP check and the echo, for every server: how many were made, and the failures. */
async function checkServers(servers) {
  const failures = [];
  let checked = 0;
  for (const server of servers) {
    for (const probe of ALL_PROBES) {
      checked++;
      const problem = await checkProbe(server, probe);
      if (problem) failures.push(`${server.app}: ${problem}`);
    }
    const url = wsUrl(server);
    if (url === undefined) continue;
    checked++;
    const problem = await echoProblem(url);
    if (problem) failures.push(`${server.app}: S6 ${problem}`);
  }
  return { checked, failures };
}

/** One round's seconds per request (1 / throughput) and server CPU µs per request, per scenario and app. */
async function timeHttpRound(
  runtime,
  servers,
  round,
  { seconds, warmupSeconds, connections },
  into,
) {
  for (const server of servers) {
    const name = `${runtime}-${server.app}-warmup`;
    await runWrk(server.origin, MIXED_PROBES, { seconds: warmupSeconds, connections, name });
  }
  for (const { id, timed } of HTTP_SCENARIOS) {
    for (const server of rotate(servers, round)) {
      const name = `${runtime}-${server.app}-${id}`;
      const measured = await measureWrk(server, timed, { seconds, connections, name });
      record(into.costs, id, server.app, measured.cost);
      if (measured.cpu !== undefined) record(into.cpu, id, server.app, measured.cpu);
    }
  }
}

async function timeEchoRound(servers, round, { seconds, connections }, into) {
  for (const server of rotate(servers.filter(wsUrl), round)) {
    const rate = await echoRate(wsUrl(server), { connections, seconds });
    record(into.costs, "S6", server.app, 1 / rate);
  }
}

/** Starts one server per app; the ones that failed to start are reported, not thrown. */
async function startServers(runtime) {
  const started = await Promise.allSettled(APPS.map((app) => startServer(runtime, app)));
  return {
    servers: started.filter((each) => each.status === "fulfilled").map((each) => each.value),
    failures: started
      .filter((each) => each.status === "rejected")
      .map((each) => each.reason.message),
  };
}

/**
 * One round on fresh server processes: started, checked, warmed up, timed,
 * stopped. Two processes of the same app, timed side by side, kept apart by
 * up to 9% for a whole run (Deno's echo, Bun's thrown `Error`): where a
 * process's threads and heap land decides that much. A new process per round
 * makes each round a new draw instead of the same one repeated.
 */
async function runRound(runtime, round, options, result) {
  const { servers, failures } = await startServers(runtime);
  result.failures.push(...failures);
  result.noEcho = servers.filter((server) => !wsUrl(server)).map((server) => server.app);
  try {
    const { checked, failures: wrong } = await checkServers(servers);
    result.checked += checked;
    result.failures.push(...wrong);
    if (!options.timed || result.failures.length > 0) return;
    await timeHttpRound(runtime, servers, round, options.http, result);
    await timeEchoRound(servers, round, options.websocket, result);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/**
 * Checks (and, unless smoke, times) every app on `runtime` over HTTP; never
 * throws. A round that fails ends the phase, and its timings are dropped.
 */
export async function http(runtime, options) {
  const result = { failures: [], checked: 0, costs: {}, cpu: {} };
  const rounds = options.timed ? options.http.rounds : 1;
  try {
    for (let round = 0; round < rounds && result.failures.length === 0; round++) {
      await runRound(runtime, round, options, result);
    }
  } catch (error) {
    result.failures.push(error.message);
  }
  if (options.timed && result.failures.length === 0) return result;
  const { costs, cpu, ...untimed } = result;
  return untimed;
}
