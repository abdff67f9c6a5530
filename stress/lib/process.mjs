/**
 * The stress servers as child processes: built for Node (tsc, like the
 * bench), started per runtime, watched for crashes, measured by RSS, and
 * stopped by their own PID. Every wait is bounded.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { ROOT, run } from "../../bench/lib/processes.mjs";

export const STRESS_BUILD = `${ROOT}node_modules/.cache/edgelette-stress/`;
const BIN = `${ROOT}node_modules/.bin/`;

const COMMANDS = {
  node: () => [process.execPath, [`${STRESS_BUILD}stress/servers/node.js`]],
  deno: () => [`${BIN}deno`, ["run", "--allow-net=127.0.0.1", `${ROOT}stress/servers/deno.ts`]],
  bun: () => [`${BIN}bun`, [`${ROOT}stress/servers/bun.ts`]],
  workerd: () => [process.execPath, [`${ROOT}stress/servers/workerd-host.mjs`]],
};

/**
 * What a runtime logs when its own HTTP server answers a request before any
 * app code runs: workerd's C++ (kj's HTTP parser and URL parser, its refusal
 * of CONNECT) logs "Uncaught exception" naming its own source file, and
 * answers a bare 500. The oracle attributes such a 500 to the runtime only
 * when this line appears during that very exchange.
 */
const OWN_ANSWER_LOGS = {
  workerd:
    /Uncaught exception: (kj\/compat\/(?:http|url)\.c\+\+:\d+: failed: [^\n]*|workerd\/io\/worker-entrypoint\.c\+\+:\d+: failed: jsg\.TypeError: Incoming CONNECT on a worker not supported)/,
};
export const SERVED_RUNTIMES = Object.keys(COMMANDS);
/** The smoke leaves workerd out: bundling it takes longer than the smoke's whole run. */
export const SMOKE_RUNTIMES = ["node", "deno", "bun"];

/** Node 20 runs a compiled copy of the target and of the raw WebSocket client. */
export async function buildForNode() {
  const tsc = `${ROOT}node_modules/typescript/bin/tsc`;
  await run(process.execPath, [tsc, "-p", "stress/tsconfig.node.json"], { timeoutMs: 120_000 });
  mkdirSync(STRESS_BUILD, { recursive: true });
  writeFileSync(`${STRESS_BUILD}package.json`, '{ "type": "module" }\n');
}

/** Resident memory of a process in MiB (Linux), or NaN once it is gone. */
export function rssOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return kib / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Starts the target on `runtime`; resolves with its origin, PID, exit watch and `stop()`. */
export function startTarget(runtime) {
  const [command, args] = COMMANDS[runtime]();
  const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const server = {
    runtime,
    ownAnswerLog: OWN_ANSWER_LOGS[runtime],
    pid: child.pid,
    exited,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    get output() {
      return output;
    },
    /** SIGTERM (the server closes gracefully), then SIGKILL after `graceMs`. */
    async stop(graceMs = 8000) {
      if (!server.alive) return exited;
      process.kill(child.pid, "SIGTERM");
      const timer = setTimeout(() => server.alive && process.kill(child.pid, "SIGKILL"), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error("no port within 30 s")), 30_000);
    const fail = (error) => {
      clearTimeout(timer);
      if (server.alive) process.kill(child.pid, "SIGKILL");
      reject(new Error(`${runtime} stress server: ${error.message}\n${output}`));
    };
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const line = output.split("\n").find((each) => each.startsWith("{"));
      if (line === undefined || server.origin) return;
      clearTimeout(timer);
      const announced = JSON.parse(line);
      server.port = announced.port;
      server.memoryPid = announced.pid ?? child.pid; // workerd's own process, under its Node host
      server.origin = `http://127.0.0.1:${server.port}`;
      resolve(server);
    });
    child.once("exit", (code) => server.origin === undefined && fail(new Error(`exited ${code}`)));
  });
}
