// edgelette/deno: the shared adapter suite, each test sanitized on its own, then
// what only Deno does (a rejecting fetch handler, its upgrade refusal, 101 headers).
import assert from "node:assert/strict";
import { config, serve } from "../../../adapters/deno.ts";
import { App, WebSocketRoute, type WebSocketSession } from "../../../src/index.ts";
import { serverSuite } from "../../suite/server.ts";
import { fromWebSocketLike, readDenial, UPGRADE_HEADERS } from "../../suite/ws-client.ts";
import { env, rawHandshake, sanitizedTests, test, withServer } from "./support.ts";

sanitizedTests((api) =>
  serverSuite(api, {
    runtime: "deno",
    serve,
    config,
    setEnv: (key, value) => (value === undefined ? env.delete(key) : env.set(key, value)),
    connect: (url, protocols) => fromWebSocketLike(new WebSocket(url, protocols)),
    requestUpgrade: async (url) =>
      readDenial(
        await fetch(url.href.replace(/^ws/, "http"), {
          headers: UPGRADE_HEADERS,
          redirect: "manual",
        }),
      ),
  }),
);

function acceptWithHeaders(ws: WebSocketSession) {
  ws.accept({ headers: { "x-accepted": "yes" } });
}

const reported: unknown[] = [];
const app = new App({
  routes: [new WebSocketRoute("/ws/accept", acceptWithHeaders)],
  onError: (error) => reported.push(error),
});

test("S-BAD-3, S-WS-13: a malformed upgrade (no Sec-WebSocket-Key) is a 400 in edgelette's words, not a reported 500", () =>
  withServer(app, async (server) => {
    const before = reported.length;
    const { "sec-websocket-key": _, ...headers } = UPGRADE_HEADERS;
    const response = await fetch(new URL("/ws/accept", server.url), { headers });
    assert.equal(response.status, 400);
    assert.equal(await response.text(), "invalid WebSocket upgrade request"); // never Deno's own text
    assert.equal(reported.length, before);
  }));

test("S-WS-1: headers given to accept() are on the 101 response", () =>
  withServer(app, async (server) => {
    // fetch cannot follow a 101: the handshake goes over a raw connection instead.
    const head = await rawHandshake(server.port, "/ws/accept");
    assert.match(head, /^HTTP\/1\.1 101/);
    assert.match(head, /\r\nx-accepted: yes\r\n/i);
  }));
