/**
 * The HTTP phase for one runtime: one server process per app on 127.0.0.1,
 * every response checked with fetch (and the echo with ws), then wrk rounds
 * with the apps interleaved and their order rotated, then the echo rounds.
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

/** Appends a round's cost; `costs[key]` holds one entry per round. */
function record(costs, key, cost) {
  costs[key] ??= [];
  costs[key].push(cost);
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

/** Per scenario and app, one entry per round: `costs` (1 / throughput) and `cpu` (µs per request). */
async function timeHttp(runtime, servers, { rounds, seconds, warmupSeconds, connections }) {
  for (const server of servers) {
    const name = `${runtime}-${server.app}-warmup`;
    await runWrk(server.origin, MIXED_PROBES, { seconds: warmupSeconds, connections, name });
  }
  const costs = Object.fromEntries(HTTP_SCENARIOS.map(({ id }) => [id, {}]));
  const cpu = Object.fromEntries(HTTP_SCENARIOS.map(({ id }) => [id, {}]));
  for (let round = 0; round < rounds; round++) {
    for (const { id, timed } of HTTP_SCENARIOS) {
      for (const server of rotate(servers, round)) {
        const name = `${runtime}-${server.app}-${id}`;
        const measured = await measureWrk(server, timed, { seconds, connections, name });
        record(costs[id], server.app, measured.cost);
        if (measured.cpu !== undefined) record(cpu[id], server.app, measured.cpu);
      }
    }
  }
  return { costs, cpu };
}

async function timeEcho(servers, { rounds, seconds, connections }) {
  const echoing = servers.filter(wsUrl);
  const costs = {};
  for (let round = 0; round < rounds; round++) {
    for (const server of rotate(echoing, round)) {
      const rate = await echoRate(wsUrl(server), { connections, seconds });
      record(costs, server.app, 1 / rate);
    }
  }
  return costs;
}

/** Checks (and, unless smoke, times) every app on `runtime` over HTTP; never throws. */
export async function http(runtime, options) {
  const started = await Promise.allSettled(APPS.map((app) => startServer(runtime, app)));
  const servers = started.filter((each) => each.status === "fulfilled").map((each) => each.value);
  const result = {
    failures: started
      .filter((each) => each.status === "rejected")
      .map((each) => each.reason.message),
  };
  result.noEcho = servers.filter((server) => !wsUrl(server)).map((server) => server.app);
  try {
    const { checked, failures } = await checkServers(servers);
    result.checked = checked;
    result.failures.push(...failures);
    if (!options.timed || result.failures.length > 0) return result;
    Object.assign(result, await timeHttp(runtime, servers, options.http));
    result.costs.S6 = await timeEcho(servers, options.websocket);
  } catch (error) {
    result.failures.push(error.message);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
  return result;
}
