/** The machine, the versions and the date a run is reported with. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { ROOT, RUNTIMES } from "./processes.mjs";
import { wrkVersion } from "./wrk.mjs";

function firstLine(command, args) {
  const { stdout = "", error } = spawnSync(command, args, { cwd: ROOT, encoding: "utf8" });
  return error ? "unavailable" : stdout.split("\n")[0].trim();
}

function packageVersion(name) {
  const path = `${ROOT}node_modules/${name}/package.json`;
  return JSON.parse(readFileSync(path, "utf8")).version;
}

function commit() {
  const hash = firstLine("git", ["rev-parse", "--short", "HEAD"]);
  const dirty = firstLine("git", ["status", "--porcelain"]) !== "";
  return dirty ? `${hash} (with uncommitted changes)` : hash;
}

export function describeMachine() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: `${cpus[0]?.model ?? "unknown"} × ${cpus.length}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    loadAtStart: os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(" "),
    versions: {
      node: process.version,
      deno: firstLine(RUNTIMES.deno.command, ["--version"]),
      bun: firstLine(RUNTIMES.bun.command, ["--version"]),
      hono: packageVersion("hono"),
      elysia: packageVersion("elysia"),
      h3: packageVersion("h3"),
      ws: packageVersion("ws"),
      wrk: wrkVersion(),
      edgelette: commit(),
    },
  };
}
