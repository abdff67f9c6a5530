import { describe, it } from "vitest";
import { TestClient, WebSocketDenialResponse } from "../../../src/testing/index.ts";
import { webSocketSuite } from "../../suite/websocket.ts";
import { createWebSocketApp } from "../../suite/ws-app.ts";
import { fromTestWebSocket, type WebSocketTarget } from "../../suite/ws-client.ts";

// A real client sees a 500 or a 1011, not the server's error: don't re-raise it.
const client = new TestClient(createWebSocketApp(), { raiseServerExceptions: false });

const memory: WebSocketTarget = {
  connect: async (path, options) =>
    fromTestWebSocket(await client.websocketConnect(path, { subprotocols: options?.protocols })),
  async requestUpgrade(path) {
    const error = await client.websocketConnect(path).then(
      (socket) => {
        socket.close();
        throw new Error(`expected ${path} to refuse the upgrade, but it was accepted`);
      },
      (refusal: unknown) => refusal,
    );
    if (!(error instanceof WebSocketDenialResponse)) throw error;
    const { status, headers } = error.response;
    return { status, headers, body: await error.response.text() };
  },
};

webSocketSuite({ describe, it }, memory, {
  runtime: "node",
  reports: async () => (await client.get("/__reports")).json(),
});
