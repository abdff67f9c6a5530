export {
  TestClient,
  type TestClientOptions,
  type WebSocketConnectInit,
  WebSocketDenialResponse,
} from "./client.ts";
export { TestWebSocket } from "./memory-socket.ts";
