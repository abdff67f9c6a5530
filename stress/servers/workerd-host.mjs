/**
 * Serves the workerd stress target: bundles it with wrangler's own bundler
 * (`deploy --dry-run`, no account, no network), runs it in Miniflare's workerd
 * on 127.0.0.1, prints its port and workerd's PID, and disposes on SIGTERM.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "edgelette-stress-"));
execFileSync(
  process.execPath,
  [
    here("../../node_modules/wrangler/bin/wrangler.js"),
    "deploy",
    "--dry-run",
    "--outdir",
    dir,
    "--config",
    here("./wrangler.jsonc"),
  ],
  { env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, stdio: "ignore", timeout: 120_000 },
);
const miniflare = new Miniflare({
  modules: true,
  scriptPath: join(dir, "workerd.js"),
  modulesRoot: dir,
  compatibilityDate: "2026-03-01",
  compatibilityFlags: ["nodejs_compat"],
  host: "127.0.0.1",
  port: 0,
  cf: false,
});
const url = await miniflare.ready;
const workerd = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], {
  encoding: "utf8",
})
  .split("\n")
  .map((line) => line.trim().split(/\s+/))
  .find(([, comm]) => comm === "workerd")?.[0];
console.log(JSON.stringify({ port: Number(url.port), pid: Number(workerd) }));
process.on("SIGTERM", async () => {
  await miniflare.dispose();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
setTimeout(() => process.exit(0), 1_800_000).unref();
