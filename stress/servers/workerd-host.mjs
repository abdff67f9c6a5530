/**
 * Serves the workerd stress target (workerd.ts) with workerd itself, as
 * Cloudflare runs a Worker, not under Miniflare: the same server the
 * over-the-wire tests use (test/runtimes/workerd-wire/workerd-server.ts,
 * compiled with the Node stress server). Prints the port and workerd's PID;
 * stops workerd on SIGTERM. What workerd logs goes to stderr, where the run
 * reads workerd's own lines (stress/lib/process.mjs).
 */
import { fileURLToPath } from "node:url";
import { STRESS_BUILD } from "../lib/process.mjs";

const { bundleWorker, serveWorkerd } = await import(
  `${STRESS_BUILD}test/runtimes/workerd-wire/workerd-server.js`
);
const bundle = await bundleWorker(fileURLToPath(new URL("./wrangler.jsonc", import.meta.url)));
const server = await serveWorkerd(bundle, { target: {} });
console.log(JSON.stringify({ port: Number(server.url("target").port), pid: server.pid }));
const stop = async () => {
  await server.close();
  await bundle.remove();
  process.exit(0);
};
process.on("SIGTERM", stop);
setTimeout(stop, 1_800_000).unref();
