/**
 * The app the Cloudflare adapter's own tests run against, in process
 * (adapter.test.ts, websocket.test.ts) and over the wire (workerd-wire).
 * `/reports` answers with what `onError` received, for clients outside workerd.
 */
import {
  App,
  type Context,
  type ErrorReporter,
  HTTPException,
  PlainTextResponse,
  Route,
  WebSocketDisconnect,
  WebSocketException,
  WebSocketRoute,
  type WebSocketSession,
} from "../../../src/index.ts";
import { breakingStream, reportSpy } from "../../suite/http/support.ts";

export interface CloseFrame {
  code: number;
  reason: string;
}

/** Resolves after a macrotask, so work that nothing keeps alive would be lost. */
const later = () => new Promise((resolve) => setTimeout(resolve, 5));

/** What an endpoint sees of the execution context the adapter built. */
type SeenContext = Context & {
  executionCtx: { props: unknown; passThroughOnException(): void };
};

const failingBackground = (_request: Request, ctx: Context) => {
  ctx.waitUntil(later().then(() => Promise.reject(new Error("late failure"))));
  return new PlainTextResponse("ok");
};
const seen = (_request: Request, ctx: Context) => {
  const { executionCtx } = ctx as SeenContext;
  executionCtx.passThroughOnException();
  return Response.json({ name: ctx.env.NAME ?? null, props: executionCtx.props ?? null });
};
const breakingBody = () => new Response(breakingStream("partial", new Error("stream broke")));

const closeBeforeAccept = () => {
  throw new WebSocketException(4001, "not yet");
};
const closeAfterAccept = (ws: WebSocketSession) => {
  ws.accept();
  ws.sendText("hello");
  throw new WebSocketException(4002, "enough");
};
const deny = () => {
  throw new HTTPException(403, "members only");
};
const crash = (ws: WebSocketSession) => {
  ws.accept();
  throw new Error("endpoint crashed");
};
const echo = async (ws: WebSocketSession) => {
  ws.accept({ subprotocol: "chat.v2", headers: { "x-room": "lobby" } });
  for await (const message of ws) {
    if (typeof message === "string") ws.sendText(`echo ${message}`);
    else ws.sendBytes(message);
  }
};

export function createAdapterApp() {
  const spy = reportSpy();
  const log: string[] = [];
  let clientClosed!: (frame: CloseFrame) => void;
  /** The close the `/wait` endpoint saw from its client. */
  const serverSaw = new Promise<CloseFrame>((resolve) => {
    clientClosed = resolve;
  });
  const background = (_request: Request, ctx: Context) => {
    ctx.waitUntil(later().then(() => log.push("waitUntil")));
    return new PlainTextResponse("ok", { background: () => log.push("background") });
  };
  const waitForClient = async (ws: WebSocketSession) => {
    ws.accept();
    try {
      await ws.receiveText();
    } catch (error) {
      if (error instanceof WebSocketDisconnect)
        clientClosed({ code: error.code, reason: error.reason });
    }
  };
  /** What `/ws/record?key=…` endpoints saw when their client closed, by key. */
  const closes: Record<string, CloseFrame> = {};
  const record = async (ws: WebSocketSession) => {
    ws.accept();
    const key = new URL(ws.request.url).searchParams.get("key") ?? "";
    await ws.receiveText().catch((error: WebSocketDisconnect) => {
      closes[key] = { code: error.code, reason: error.reason };
    });
  };
  /** Endpoints of `/ws/live` still running: one whose socket never opens must not stay. */
  let live = 0;
  const counted = async (ws: WebSocketSession) => {
    live++;
    try {
      ws.accept();
      for await (const _message of ws);
    } finally {
      live--;
    }
  };
  /** What an asynchronous reporter finished reporting, 50 ms after it was called. */
  const lateReports: string[] = [];
  const onError: ErrorReporter = (error, request, info) => {
    spy.onError(error, request, info);
    const message = (error as Error).message;
    return new Promise((resolve) => setTimeout(resolve, 50)).then(() => lateReports.push(message));
  };
  const reports = async () => {
    const frame = await Promise.race([serverSaw, null]); // null: no client close seen yet
    const messages = spy.errors.map((error) => (error as Error).message);
    return Response.json({ reports: messages, serverSaw: frame });
  };
  const routes = [
    new Route("/background", background),
    new Route("/background-fails", failingBackground),
    new Route("/seen", seen),
    new Route("/stream", breakingBody),
    new Route("/reports", reports),
    new Route("/closes", () => Response.json(closes)),
    new Route("/live", () => Response.json(live)),
    new Route("/late-reports", () => Response.json(lateReports)),
    new Route("/unread", () => new Response("answered without reading", { status: 413 }), {
      methods: ["POST"],
    }),
    new WebSocketRoute("/ws/before", closeBeforeAccept),
    new WebSocketRoute("/ws/after", closeAfterAccept),
    new WebSocketRoute("/ws/deny", deny),
    new WebSocketRoute("/ws/crash", crash),
    new WebSocketRoute("/ws/echo", echo),
    new WebSocketRoute("/ws/wait", waitForClient),
    new WebSocketRoute("/ws/record", record),
    new WebSocketRoute("/ws/live", counted),
  ];
  return { app: new App({ routes, onError }), spy, log, serverSaw };
}
