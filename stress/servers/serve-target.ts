/**
 * What every stress server does: serve the target app with the runtime's
 * adapter, print its port, close gracefully on SIGTERM (shutdown under load is
 * one of the attacks), and never outlive the run.
 */
import process from "node:process";
import type { ServeOptions, ServerHandle } from "../../src/server/execution-context.ts";
import type { Fetchable } from "../../src/types.ts";
import { createTarget } from "../target.ts";

type Serve = (app: Fetchable, options: ServeOptions) => Promise<ServerHandle>;

export async function serveTarget(serve: Serve): Promise<void> {
  const { app, onError } = createTarget();
  const server = await serve(app, {
    port: 0,
    onError,
    requestTimeout: 1000,
    shutdownTimeout: 3000,
  });
  process.on("SIGTERM", () => {
    void server.close().then(() => process.exit(0));
  });
  console.log(JSON.stringify({ port: server.port }));
  setTimeout(() => process.exit(0), 1_800_000).unref?.();
}
