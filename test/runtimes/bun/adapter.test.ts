// edgelette/bun: the shared adapter suite, then what only Bun does (its upgrade
// refusal text, and `server.stop(true)` once shutdownTimeout runs out).
import { describe, it } from "bun:test";
import assert from "node:assert/strict";
import { config, serve } from "../../../adapters/bun.ts";
import { App, Route, WebSocketRoute } from "../../../src/index.ts";
import { serverSuite, setProcessEnv } from "../../suite/server.ts";
import { fromWebSocketLike, readDenial, UPGRADE_HEADERS } from "../../suite/ws-client.ts";

serverSuite(
  { describe, it },
  {
    runtime: "bun",
    serve,
    config,
    setEnv: setProcessEnv,
    connect: (url, protocols) => fromWebSocketLike(new WebSocket(url, protocols)),
    requestUpgrade: async (url) =>
      readDenial(
        await fetch(url.href.replace(/^ws/, "http"), {
          headers: UPGRADE_HEADERS,
          redirect: "manual",
        }),
      ),
  },
);

/** A promise with its resolve function at hand. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const hangingRequestArrived = deferred();

const app = new App({
  routes: [
    new Route("/hang", () => {
      hangingRequestArrived.resolve();
      return new Promise<Response>(() => {}); // never answers: shutdown has to give up on it
    }),
    new WebSocketRoute("/ws/echo", (ws) => ws.accept()),
  ],
});

describe("edgelette/bun only", () => {
  it("S-BAD-3: an upgrade Bun cannot complete (no key) is a 400, not a 500", async () => {
    const server = await serve(app, { port: 0 });
    try {
      const headers = { upgrade: "websocket", connection: "Upgrade" };
      const response = await fetch(new URL("/ws/echo", server.url), { headers });
      assert.equal(response.status, 400);
      assert.equal(await response.text(), "invalid WebSocket upgrade request");
    } finally {
      await server.close();
    }
  });

  it("close() gives up on a request that never ends after shutdownTimeout", async () => {
    const own = await serve(app, { port: 0, shutdownTimeout: 50 });
    const answer = fetch(new URL("/hang", own.url));
    await hangingRequestArrived.promise;
    await own.close();
    await assert.rejects(answer);
  });
});
