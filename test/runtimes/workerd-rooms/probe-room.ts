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
import { App, HTTPException, type ReportInfo, WebSocketException } from "../../../src/index.ts";

/** An error only the app's handler table knows: the room must answer it as the app does. */
export class Teapot extends Error {}

/** The app the room takes its handler table from (S-WS-11), as a Worker would pass its own. */
export const probeApp = new App();
// In a room the handler gets the `RoomSocket`; both kinds of socket can close.
type Closable = { close(code: number, reason: string): void };
probeApp.addExceptionHandler(Teapot, (ws: Closable, exc: Teapot) =>
  ws.close(4418, `teapot: ${exc.message}`),
);

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
  "/teapot": () => {
    throw new Teapot("before accept");
  },
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
  teapot: () => {
    throw new Teapot("in onMessage");
  },
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
  /** The `info` of each report: its kind, route and request id. */
  readonly infos: ReportInfo[];
  readonly closes: { code: number; reason: string }[] = [];

  constructor(ctx: RoomContext, env: unknown) {
    const reports: unknown[] = [];
    const infos: ReportInfo[] = [];
    const onError = (error: unknown, _request: Request, info: ReportInfo) => {
      reports.push(error);
      infos.push(info);
    };
    super(ctx, env, { app: probeApp, onError });
    this.reports = reports;
    this.infos = infos;
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
