/**
 * A room that misbehaves on request, for the adapter's tests. The upgrade
 * path picks what `onConnect` does; a text message picks what `onMessage`
 * does. Reports and closes are kept on the instance (read with
 * `runInDurableObject`).
 */
import {
  type RoomContext,
  type RoomMessage,
  type RoomSocket,
  WebSocketRoom,
} from "../../../adapters/cloudflare-rooms.ts";
import { HTTPException, WebSocketException } from "../../../src/index.ts";

export interface ProbeState {
  joined: string;
  count: number;
}

type Connect = (ws: RoomSocket<ProbeState>) => void | Promise<void>;

const connectBy: Record<string, Connect> = {
  "/ws-exception": () => {
    throw new WebSocketException(4001, "not yet");
  },
  "/http-exception": () => {
    throw new HTTPException(403, "members only", { "x-probe": "denied" });
  },
  "/crash": () => {
    throw new Error("connect crashed");
  },
  "/no-accept": () => {},
  "/crash-after-accept": (ws) => {
    ws.accept();
    throw new Error("crashed after accept");
  },
  "/subprotocol": (ws) =>
    ws.accept({ subprotocol: "chat.v2", headers: { "x-room": "probe" }, tags: ["v2"] }),
};

/** Sends back the error `setState` throws, instead of closing. */
function trySetState(ws: RoomSocket<ProbeState>, state: ProbeState): void {
  try {
    ws.setState(state);
  } catch (error) {
    ws.sendText(`${(error as Error).name}: ${(error as Error).message}`);
  }
}

type Reply = (ws: RoomSocket<ProbeState>, room: ProbeRoom) => void;

const replyTo: Record<string, Reply> = {
  "ws-exception": () => {
    throw new WebSocketException(4002, "enough");
  },
  "http-exception": () => {
    throw new HTTPException(429, "slow down");
  },
  crash: () => {
    throw new Error("message crashed");
  },
  close: (ws) => ws.close(4100, "bye"),
  count: (ws) => {
    const state = ws.state as ProbeState;
    ws.setState({ ...state, count: state.count + 1 });
    ws.sendJson(ws.state);
  },
  "huge-state": (ws) => trySetState(ws, { joined: "x".repeat(20_000), count: 0 }),
  "function-state": (ws) =>
    trySetState(ws, { joined: "", count: 0, callback: () => {} } as ProbeState),
  members: (ws, room) => ws.sendJson({ all: room.sockets().length, v2: room.sockets("v2").length }),
};

export class ProbeRoom extends WebSocketRoom<unknown, ProbeState> {
  readonly reports: unknown[];
  readonly closes: { code: number; reason: string }[] = [];

  constructor(ctx: RoomContext, env: unknown) {
    const reports: unknown[] = [];
    super(ctx, env, { onError: (error) => reports.push(error) });
    this.reports = reports;
  }

  override async onConnect(ws: RoomSocket<ProbeState>, request: Request): Promise<void> {
    const connect = connectBy[new URL(request.url).pathname];
    if (connect) return connect(ws);
    ws.accept();
    ws.setState({ joined: new URL(request.url).pathname, count: 0 });
  }

  override onMessage(ws: RoomSocket<ProbeState>, message: RoomMessage): void {
    const reply = typeof message === "string" ? replyTo[message] : undefined;
    if (reply) reply(ws, this);
    else this.broadcast(message, { except: ws });
  }

  override onClose(_ws: RoomSocket<ProbeState>, code: number, reason: string): void {
    this.closes.push({ code, reason });
  }
}
