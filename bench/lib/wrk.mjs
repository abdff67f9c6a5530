/**
 * HTTP load with wrk (Debian package), installed on first use if missing.
 * A run's numbers are checked too: a probe that expects 2xx must see no
 * other status, one that expects an error must see nothing but errors.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpuTimeMs, run } from "./processes.mjs";

const scripts = mkdtempSync(join(tmpdir(), "edgelette-bench-wrk-"));
process.once("exit", () => rmSync(scripts, { recursive: true, force: true }));

function hasWrk() {
  return spawnSync("wrk", ["--version"]).error === undefined;
}

/** Installs wrk with apt-get when it is missing (root only); throws with the fix otherwise. */
export function ensureWrk() {
  if (hasWrk()) return;
  console.log("wrk is missing: apt-get update && apt-get install -y wrk");
  try {
    execFileSync("apt-get", ["update"], { stdio: "ignore", timeout: 180_000 });
    execFileSync("apt-get", ["install", "-y", "wrk"], { stdio: "ignore", timeout: 180_000 });
  } catch (error) {
    throw new Error(`could not install wrk (${error.message}); install it: apt-get install -y wrk`);
  }
  if (!hasWrk()) throw new Error("wrk is still missing after apt-get install -y wrk");
}

export function wrkVersion() {
  const { stdout, stderr, error } = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  if (error) return "not installed";
  return `${stdout}${stderr}`
    .split("\n")[0]
    .replace(/ Copyright.*/, "")
    .trim();
}

function luaString(text) {
  return JSON.stringify(text); // a JSON string is a valid Lua string literal for ASCII bodies
}

/** A Lua script that sends `probes` in turn (one probe: always the same request). */
function scriptFor(name, probes) {
  const lines = probes.map((probe) => {
    const headers = probe.body ? `{["Content-Type"] = ${luaString(probe.contentType)}}` : "nil";
    const body = probe.body ? luaString(probe.body) : "nil";
    return `  requests[${probes.indexOf(probe) + 1}] = wrk.format(${luaString(probe.method)}, ${luaString(probe.path)}, ${headers}, ${body})`;
  });
  const lua = [
    "local requests = {}",
    "local next = 0",
    "init = function(args)",
    ...lines,
    "end",
    "request = function()",
    "  next = next % #requests + 1",
    "  return requests[next]",
    "end",
  ].join("\n");
  const path = join(scripts, `${name}.lua`);
  writeFileSync(path, lua);
  return path;
}

function parse(output) {
  const number = (pattern) => Number(output.match(pattern)?.[1] ?? Number.NaN);
  const socketErrors = output.match(
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/,
  );
  return {
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    requests: number(/(\d+) requests in/),
    non2xx: output.includes("Non-2xx") ? number(/Non-2xx or 3xx responses: (\d+)/) : 0,
    socketErrors: socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}

/** Why a run's statuses do not fit `probes`, or undefined. Mixed runs are not checked. */
function statusProblem(result, probes) {
  if (probes.length !== 1) return undefined;
  const expectsError = probes[0].expect.status >= 300;
  const wrong = expectsError ? result.requests - result.non2xx : result.non2xx;
  if (wrong > 0) return `${wrong} of ${result.requests} responses had an unexpected status`;
  if (!(result.requestsPerSecond > 0)) return "wrk reported no throughput";
  return undefined;
}

/**
 * Runs wrk against `origin` for `seconds` (whole seconds: wrk's unit) with `probes`.
 * Resolves with requests per second; rejects when the responses were wrong.
 */
export async function runWrk(origin, probes, { seconds, connections, name }) {
  const script = scriptFor(name, probes);
  const args = [
    "-t1",
    `-c${connections}`,
    `-d${seconds}s`,
    "--timeout",
    "5s",
    "-s",
    script,
    origin,
  ];
  const { stdout } = await run("wrk", args, { timeoutMs: (seconds + 20) * 1000 });
  const result = parse(stdout);
  const problem = statusProblem(result, probes);
  if (problem) throw new Error(`wrk ${name}: ${problem}\n${stdout}`);
  return result.requestsPerSecond;
}

/**
 * One wrk run against a server from `startServer`: seconds per request
 * (1 / throughput), and the server's CPU microseconds per request (undefined
 * without /proc). Server and wrk share the cores, so throughput also depends
 * on how the two were scheduled; CPU per request is the server's own cost.
 */
export async function measureWrk(server, probe, { seconds, connections, name }) {
  const before = cpuTimeMs(server.pid);
  const rate = await runWrk(server.origin, [probe], { seconds, connections, name });
  const cpuMs = before === undefined ? undefined : cpuTimeMs(server.pid) - before;
  return {
    cost: 1 / rate,
    cpu: cpuMs === undefined ? undefined : (cpuMs * 1000) / (rate * seconds),
  };
}
