/**
 * A real workerd HTTP server for the over-the-wire tests: the workerd test
 * worker (../workerd/worker.ts) bundled to plain JS by wrangler's own bundler,
 * then served by Miniflare on 127.0.0.1 at a free port, one instance per app.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";

const run = promisify(execFile);
const CONFIG = fileURLToPath(new URL("./wrangler.jsonc", import.meta.url));
const WRANGLER = fileURLToPath(
  new URL("../../../node_modules/wrangler/bin/wrangler.js", import.meta.url),
);
const BUNDLE_TIMEOUT_MS = 60_000;

interface WorkerBundle {
  readonly dir: string;
  readonly compatibilityDate: string;
  readonly compatibilityFlags: string[];
  remove(): Promise<void>;
}

interface WorkerdServer {
  readonly url: URL;
  close(): Promise<void>;
}

/** Runs `wrangler deploy --dry-run --outdir`: bundles without deploying (no account, no network). */
async function bundleTestWorker(): Promise<WorkerBundle> {
  const dir = await mkdtemp(join(tmpdir(), "edgelette-workerd-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  const args = [WRANGLER, "deploy", "--dry-run", "--outdir", dir, "--config", CONFIG];
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };
  try {
    await run(process.execPath, args, { timeout: BUNDLE_TIMEOUT_MS, env });
    const config = await readConfig();
    const compatibilityFlags = config.compatibility_flags ?? [];
    return { dir, compatibilityDate: config.compatibility_date, compatibilityFlags, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** wrangler.jsonc, whose comments sit on lines of their own. */
async function readConfig(): Promise<{
  compatibility_date: string;
  compatibility_flags?: string[];
}> {
  const text = await readFile(CONFIG, "utf8");
  return JSON.parse(text.replace(/^\s*\/\/.*$/gm, ""));
}

/** Serves the bundle's app `name` (the worker's `TEST_APP` binding); stop it with `close()`. */
async function startWorkerd(bundle: WorkerBundle, name: string): Promise<WorkerdServer> {
  const miniflare = new Miniflare({
    modules: true,
    scriptPath: join(bundle.dir, "worker.js"),
    modulesRoot: bundle.dir,
    compatibilityDate: bundle.compatibilityDate,
    compatibilityFlags: bundle.compatibilityFlags,
    bindings: { TEST_APP: name },
    host: "127.0.0.1",
    port: 0,
    cf: false, // no download of request.cf data
  });
  try {
    return { url: await miniflare.ready, close: () => miniflare.dispose() };
  } catch (error) {
    await miniflare.dispose();
    throw error;
  }
}

/** Bundles once and serves each named app; `close()` stops them all and removes the bundle. */
export async function startWorkerdApps<Name extends string>(names: readonly Name[]) {
  const bundle = await bundleTestWorker();
  const started = new Map<Name, WorkerdServer>();
  const close = async () => {
    await Promise.all([...started.values()].map((server) => server.close()));
    await bundle.remove();
  };
  try {
    for (const name of names) started.set(name, await startWorkerd(bundle, name));
  } catch (error) {
    await close();
    throw error;
  }
  const url = (name: Name) => (started.get(name) as WorkerdServer).url;
  return { url, close, compatibilityDate: bundle.compatibilityDate };
}
