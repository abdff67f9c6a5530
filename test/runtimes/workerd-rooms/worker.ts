// The chat example as it deploys, plus the probe room for the adapter's own tests.
export { ChatRoom, default } from "../../../examples/chat/worker.ts";
export { ProbeRoom } from "./probe-room.ts";
