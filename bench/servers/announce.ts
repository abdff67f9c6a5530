/**
 * What every bench server does besides serving: tell the orchestrator where
 * it listens (one JSON line on stdout), and never outlive the bench.
 */
import process from "node:process";
import { APP_NAMES, type AppName, isAppName } from "../apps/index.ts";

/** The app named on the command line (the first argument after the script). */
export function appFromArgs(): AppName {
  const name = process.argv[2];
  if (!isAppName(name)) throw new Error(`usage: <server script> ${APP_NAMES.join("|")}`);
  return name;
}

/**
 * Prints `{"port":…,"wsPort":…}`; `wsPort` is null when this app has no
 * WebSocket echo on this runtime. The orchestrator stops servers by PID; the
 * timer stops one whose orchestrator died.
 */
export function announce(port: number, wsPort: number | null, lifetimeSeconds = 900): void {
  console.log(JSON.stringify({ port, wsPort }));
  setTimeout(() => process.exit(0), lifetimeSeconds * 1000).unref?.();
}

export function isEchoRequest(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}
