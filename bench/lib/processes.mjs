/**
 * Child processes: the three runtimes' commands, one-shot runs that print
 * JSON, and servers that are stopped by their own PID. Every wait is bounded.
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = `${ROOT}node_modules/.bin/`;
/** Where bench/tsconfig.node.json compiles the bench for Node 20 (no type stripping). */
export const NODE_BUILD = `${ROOT}node_modules/.cache/edgelette-bench/`;

/**
 * V8 flags: `gc` exposes a forced GC; `alloc` also gives the young generation
 * room for a window of requests without a collection (see bench/inprocess.ts).
 */
function v8Flags({ gc, alloc } = {}) {
  if (alloc) return ["--expose-gc", "--max-semi-space-size=64"];
  return gc ? ["--expose-gc"] : [];
}

/** How each runtime runs a bench script, with the V8 flags `v8Flags` picks. */
export const RUNTIMES = {
  node: {
    command: process.execPath,
    script: (name, flags) => [...v8Flags(flags), `${NODE_BUILD}bench/${name}.js`],
  },
  deno: {
    command: `${BIN}deno`,
    script: (name, flags) => {
      const v8 = v8Flags(flags);
      return [
        "run",
        "--allow-net=127.0.0.1",
        "--allow-env", // Elysia reads NODE_ENV and more at import
        "--allow-read", // the A/B tool imports builds from a temporary folder
        ...(v8.length ? [`--v8-flags=${v8.join(",")}`] : []),
        `${ROOT}bench/${name}.ts`,
      ];
    },
  },
  bun: {
    command: `${BIN}bun`,
    script: (name) => [`${ROOT}bench/${name}.ts`],
  },
};

let ticksPerSecond;

/**
 * User + system CPU milliseconds `pid` has used so far, every thread counted
 * (Linux's /proc); undefined where there is no /proc to read.
 */
export function cpuTimeMs(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
  // The fields after the command name, which sits in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** Runs a command to completion; rejects on a non-zero exit or after `timeoutMs`. */
export function run(command, args, { timeoutMs, cwd = ROOT } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs ?? 600_000);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} ${args.join(" ")} exited ${signal ?? code}\n${stderr}`));
    });
  });
}

function lastJsonLine(text) {
  const line = text
    .trim()
    .split("\n")
    .reverse()
    .find((each) => each.startsWith("{"));
  if (line === undefined) throw new Error(`no JSON line in output:\n${text}`);
  return JSON.parse(line);
}

/** Runs `bench/<script>` on `runtime` with one JSON argument; resolves with its JSON answer. */
export async function runScript(runtime, script, config, { timeoutMs, gc, alloc } = {}) {
  const { command, script: argsFor } = RUNTIMES[runtime];
  const args = [...argsFor(script, { gc, alloc }), JSON.stringify(config)];
  const { stdout } = await run(command, args, { timeoutMs });
  return lastJsonLine(stdout);
}

/**
 * Starts `bench/servers/<runtime>` (or `bench/<server>`) for `app` and resolves
 * once it prints its ports. `stop()` ends it by PID: SIGTERM, then SIGKILL if it lingers.
 */
export function startServer(runtime, app, server = `servers/${runtime}`) {
  const { command, script } = RUNTIMES[runtime];
  const child = spawn(command, [...script(server), app], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(child.pid, "SIGTERM");
    const timer = setTimeout(() => process.kill(child.pid, "SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(new Error("did not print its port within 20 s")), 20_000);
    const fail = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop();
      reject(new Error(`${runtime} server for ${app}: ${error.message}\n${output}`));
    };
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const line = output.split("\n").find((each) => each.startsWith("{"));
      if (line === undefined || settled) return;
      settled = true;
      clearTimeout(timer);
      const { port, wsPort } = JSON.parse(line);
      resolve({ app, origin: `http://127.0.0.1:${port}`, wsPort, pid: child.pid, stop });
    });
    child.once("exit", (code) => fail(new Error(`exited with ${code}`)));
  });
}
