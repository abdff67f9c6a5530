// The same classes as the root entry (S-EXC-5): a test catches what the app throws.
export { HTTPException, WebSocketDisconnect, WebSocketException } from "../exceptions.ts";
export {
  TestClient,
  type TestClientOptions,
  type WebSocketConnectInit,
  WebSocketDenialResponse,
} from "./client.ts";
export { EventStream, type ReadEventsOptions, type ReceivedEvent } from "./events.ts";
export { TestWebSocket } from "./memory-socket.ts";
