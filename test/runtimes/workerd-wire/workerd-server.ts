/**
 * A real workerd HTTP server, as Cloudflare runs a Worker: a Worker bundled to
 * plain JS by wrangler's own bundler (`deploy --dry-run`: no account, no
 * network), then `workerd serve` with one HTTP socket per app on 127.0.0.1.
 * Not Miniflare: its entry worker, a dev-server layer production never runs,
 * stands between the socket and the Worker (it answers some malformed requests
 * itself, and never cancels a body whose client left). Used by the
 * over-the-wire tests and by `npm run stress` (stress/servers/workerd-host.mjs).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const BUNDLE_TIMEOUT_MS = 120_000;
const LISTEN_TIMEOUT_MS = 30_000;

// Resolved as packages: a compiled copy of this file (the stress run's) lives elsewhere.
const require = createRequire(import.meta.url);
/** The workerd binary the `workerd` package (Miniflare's own) installed. */
const WORKERD: string = require("workerd").default;
const WRANGLER = join(dirname(require.resolve("wrangler/package.json")), "bin/wrangler.js");

export interface WorkerBundle {
  readonly dir: string;
  readonly module: string;
  readonly compatibilityDate: string;
  readonly compatibilityFlags: string[];
  remove(): Promise<void>;
}

/** Runs `wrangler deploy --dry-run --outdir` on `configPath` (a wrangler.jsonc). */
export async function bundleWorker(configPath: string): Promise<WorkerBundle> {
  const dir = await mkdtemp(join(tmpdir(), "edgelette-workerd-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  const args = [WRANGLER, "deploy", "--dry-run", "--outdir", dir, "--config", configPath];
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };
  try {
    await run(process.execPath, args, { timeout: BUNDLE_TIMEOUT_MS, env });
    // wrangler.jsonc, whose comments sit on lines of their own.
    const text = await readFile(configPath, "utf8");
    const config = JSON.parse(text.replace(/^\s*\/\/.*$/gm, ""));
    return {
      dir,
      module: `${basename(config.main).replace(/\.[cm]?[jt]s$/, "")}.js`,
      compatibilityDate: config.compatibility_date,
      compatibilityFlags: config.compatibility_flags ?? [],
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}

export interface WorkerdServer {
  /** workerd's own process, for its RSS. */
  readonly pid: number;
  /** The origin serving app `name`. */
  url(name: string): URL;
  close(): Promise<void>;
}

/**
 * Serves the bundle once per app, each with its own text bindings (the test
 * worker picks its app from `TEST_APP`) on its own port; `close()` stops
 * workerd by its PID.
 */
export async function serveWorkerd(
  bundle: WorkerBundle,
  apps: Record<string, Record<string, string>>,
): Promise<WorkerdServer> {
  const config = join(bundle.dir, "workerd.capnp");
  await writeFile(config, workerdConfig(bundle, apps));
  const child = spawn(WORKERD, ["serve", config, "--control-fd=3"], {
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  // What the Worker logs: a stress run reads workerd's own lines from it.
  child.stdout?.pipe(process.stderr);
  child.stderr?.pipe(process.stderr);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // workerd's SIGTERM drains open connections (a client's keep-alive ones too): it holds nothing.
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  try {
    const ports = await listening(child, Object.keys(apps));
    const url = (name: string) => new URL(`http://127.0.0.1:${ports.get(name)}`);
    return { pid: child.pid as number, url, close };
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
}

function workerdConfig(bundle: WorkerBundle, apps: Record<string, Record<string, string>>) {
  const services = Object.entries(apps).map(([name, bindings]) => {
    const texts = Object.entries(bindings).map(
      ([key, value]) => `(name = ${JSON.stringify(key)}, text = ${JSON.stringify(value)})`,
    );
    return `(name = ${JSON.stringify(name)}, worker = (
    modules = [(name = ${JSON.stringify(bundle.module)}, esModule = embed ${JSON.stringify(bundle.module)})],
    compatibilityDate = ${JSON.stringify(bundle.compatibilityDate)},
    compatibilityFlags = ${JSON.stringify(bundle.compatibilityFlags)},
    bindings = [${texts.join(", ")}],
  ))`;
  });
  const sockets = Object.keys(apps).map(
    (name) =>
      `(name = ${JSON.stringify(name)}, address = "127.0.0.1:0", http = (), service = ${JSON.stringify(name)})`,
  );
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [${services.join(",\n  ")}],
  sockets = [${sockets.join(",\n  ")}],
);
`;
}

/** The port of each socket, from workerd's control pipe ("listen" events, one JSON per line). */
function listening(child: ChildProcess, names: string[]): Promise<Map<string, number>> {
  const ports = new Map<string, number>();
  const control = child.stdio[3] as NodeJS.ReadableStream;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("workerd did not listen")), LISTEN_TIMEOUT_MS);
    child.once("exit", (code) => reject(new Error(`workerd exited (${code})`)));
    let pending = "";
    control.on("data", (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const event = JSON.parse(line) as { event: string; socket: string; port: number };
        if (event.event === "listen") ports.set(event.socket, event.port);
      }
      if (ports.size < names.length) return;
      clearTimeout(timer);
      resolve(ports);
    });
  });
}

/** Bundles the test worker once and serves each named app; `close()` stops workerd and removes the bundle. */
export async function startWorkerdApps<Name extends string>(names: readonly Name[]) {
  const bundle = await bundleWorker(fileURLToPath(new URL("./wrangler.jsonc", import.meta.url)));
  try {
    const apps = Object.fromEntries(names.map((name) => [name, { TEST_APP: name }]));
    const server = await serveWorkerd(bundle, apps);
    const close = async () => {
      await server.close();
      await bundle.remove();
    };
    return { url: server.url, close, compatibilityDate: bundle.compatibilityDate };
  } catch (error) {
    await bundle.remove();
    throw error;
  }
}
