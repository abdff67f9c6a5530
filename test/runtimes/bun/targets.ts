/**
 * How the shared suites reach an app from Bun: over the wire with Bun's own
 * `WebSocket` and `fetch`, or in memory through `TestClient`.
 */
import { type TestClient, WebSocketDenialResponse } from "../../../src/testing/index.ts";
import {
  fromTestWebSocket,
  fromWebSocketLike,
  type WebSocketLike,
  type WebSocketTarget,
} from "../../suite/ws-client.ts";

/** A WebSocket handshake for `fetch`: Bun's `WebSocket` reports a refused upgrade as a bare 1006. */
export const UPGRADE_HEADERS = {
  upgrade: "websocket",
  connection: "Upgrade",
  "sec-websocket-version": "13",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
};

/** A server on this machine, reached the way a Bun program would. */
export function wireTarget(base: URL): WebSocketTarget {
  const wsUrl = (path: string) => new URL(path, base).href.replace(/^http/, "ws");
  return {
    baseUrl: base.href,
    connect: (path, options) =>
      fromWebSocketLike(new WebSocket(wsUrl(path), options?.protocols) as WebSocketLike),
    async requestUpgrade(path) {
      const response = await fetch(new URL(path, base), { headers: UPGRADE_HEADERS });
      return { status: response.status, headers: response.headers, body: await response.text() };
    },
  };
}

/** The same app in memory: `websocketConnect` plays the client. */
export function memoryTarget(client: TestClient): WebSocketTarget {
  return {
    connect: async (path, options) =>
      fromTestWebSocket(await client.websocketConnect(path, { subprotocols: options?.protocols })),
    async requestUpgrade(path) {
      const refusal = await client.websocketConnect(path).then(
        (socket) => {
          socket.close();
          throw new Error(`expected ${path} to refuse the upgrade, but it was accepted`);
        },
        (error: unknown) => error,
      );
      if (!(refusal instanceof WebSocketDenialResponse)) throw refusal;
      const { status, headers } = refusal.response;
      return { status, headers, body: await refusal.response.text() };
    },
  };
}
