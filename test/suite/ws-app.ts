/**
 * The app every runtime serves to the WebSocket suite: one endpoint per case
 * of SPEC §9. Endpoints that need to be told apart across tests read `?tag=`.
 * What a client cannot see (what the endpoint caught, what was reported) is
 * exposed at `GET /__ws-log`, `GET /__reports`, and over `/ws/log?tag=`.
 */
import * as v from "valibot";
import {
  App,
  type ExceptionHandler,
  HTTPException,
  InvalidWebSocketMessage,
  JSONResponse,
  type Middleware,
  PlainTextResponse,
  Route,
  ValidationError,
  WebSocketDisconnect,
  type WebSocketEndpoint,
  WebSocketException,
  WebSocketRoute,
  type WebSocketSession,
} from "../../src/index.ts";

/** A custom exception with a handler keyed by its class (S-WS-9). */
export class RoomFull extends Error {
  readonly room: string;

  constructor(room: string) {
    super(`room ${room} is full`);
    this.name = "RoomFull";
    this.room = room;
  }
}

/** A `WebSocketException` subclass with its own handler (S-WS-9). */
export class KickedOut extends WebSocketException {}

export type LogEntry = { tag: string } & Record<string, unknown>;

/** Sizes the suite relies on. */
export const SMALL_MESSAGE_LIMIT = 16;
export const IDLE_TIMEOUT_MS = 50;

const tagOf = (ws: WebSocketSession) => new URL(ws.request.url).searchParams.get("tag") ?? "";

const echo: WebSocketEndpoint = async (ws) => {
  ws.accept();
  for await (const message of ws) {
    if (typeof message === "string") ws.sendText(message);
    else ws.sendBytes(message);
  }
};

/** S-WS-7: bad JSON is answered on the socket, which stays open. */
const echoJson: WebSocketEndpoint = async (ws) => {
  ws.accept();
  while (true) {
    try {
      ws.sendJson({ received: await ws.receiveJson() });
    } catch (error) {
      if (!(error instanceof InvalidWebSocketMessage)) throw error; // a disconnect ends quietly
      ws.sendJson({ error: error.reason });
    }
  }
};

/** Picks `edgelette.v2` when offered, adds a header, and says what it chose. */
const negotiate: WebSocketEndpoint = (ws) => {
  const subprotocol = ws.subprotocols.includes("edgelette.v2") ? "edgelette.v2" : undefined;
  ws.accept({ subprotocol, headers: { "x-accepted-by": "edgelette" } });
  ws.sendText(subprotocol ?? "(none)");
};

/** Accepts, says "ready", then fails with `error`. */
function readyThenThrow(error: (ws: WebSocketSession) => unknown): WebSocketEndpoint {
  return (ws) => {
    ws.accept();
    ws.sendText("ready");
    throw error(ws);
  };
}

function throwBeforeAccept(error: (ws: WebSocketSession) => unknown): WebSocketEndpoint {
  return (ws) => {
    throw error(ws);
  };
}

/** What the client plants in an invalid message: it must never come back (S-VAL-1). */
export const PLANTED_SECRET = "ws-s3cr3t-7781";

const ChatMessage = v.object({
  room: v.picklist(["lobby", "games"]),
  text: v.pipe(v.string(), v.trim(), v.minLength(1)),
});

/**
 * S-VAL-1, S-WS-3: the first message is validated inside a try (a caught
 * failure is answered and the socket stays usable), the next one is echoed
 * with the schema's output, the last failure is left uncaught (closes 4422).
 */
const validatedChat: WebSocketEndpoint = async (ws) => {
  ws.accept();
  try {
    await ws.receiveJson(ChatMessage);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    ws.sendJson({ caught: error.detail });
  }
  const message = await ws.receiveJson(ChatMessage);
  ws.sendJson({ valid: message });
  await ws.receiveJson(ChatMessage);
};

function webSocketRoutes(log: LogEntry[]): WebSocketRoute[] {
  const record = (ws: WebSocketSession, entry: Record<string, unknown>) =>
    log.push({ tag: tagOf(ws), ...entry });
  return [
    new WebSocketRoute("/ws/echo", echo),
    new WebSocketRoute("/ws/echo-json", echoJson),
    new WebSocketRoute("/ws/subprotocol", negotiate),
    new WebSocketRoute("/ws/small", echo, { maxMessageSize: SMALL_MESSAGE_LIMIT }),
    new WebSocketRoute("/ws/idle", echo, { idleTimeout: IDLE_TIMEOUT_MS }),
    // S-WS-2
    new WebSocketRoute(
      "/ws/exception-before",
      throwBeforeAccept(() => new WebSocketException(4403, "forbidden before accept")),
    ),
    new WebSocketRoute(
      "/ws/exception-default",
      throwBeforeAccept(() => new WebSocketException()),
    ),
    new WebSocketRoute(
      "/ws/exception-after",
      readyThenThrow(() => new WebSocketException(4001, "closed after accept")),
    ),
    new WebSocketRoute("/ws/close-before", (ws) => ws.close(4100, "closed before accept")),
    new WebSocketRoute("/ws/close-after", (ws) => {
      ws.accept();
      ws.sendText("ready");
      ws.close(4500, "closed by the endpoint");
    }),
    new WebSocketRoute("/ws/return", (ws) => {
      ws.accept();
      ws.sendText("bye");
    }),
    // S-WS-3
    new WebSocketRoute(
      "/ws/http-before",
      throwBeforeAccept(() => new HTTPException(403, "no entry", { "x-denied": "yes" })),
    ),
    new WebSocketRoute(
      "/ws/http-before-handled",
      throwBeforeAccept(() => new HTTPException(418, "short and stout")),
    ),
    new WebSocketRoute(
      "/ws/http-after",
      readyThenThrow(() => new HTTPException(409, "conflict after accept")),
    ),
    new WebSocketRoute(
      "/ws/http-after-long",
      readyThenThrow(() => new HTTPException(400, "é".repeat(100))),
    ),
    new WebSocketRoute(
      "/ws/http-after-json",
      readyThenThrow(() => new HTTPException(422, { field: "name" })),
    ),
    // S-WS-4
    new WebSocketRoute(
      "/ws/crash-before",
      throwBeforeAccept((ws) => new Error(`crash before accept ${tagOf(ws)}`)),
    ),
    new WebSocketRoute(
      "/ws/crash-after",
      readyThenThrow((ws) => new Error(`crash after accept ${tagOf(ws)}`)),
    ),
    // S-WS-6
    new WebSocketRoute("/ws/record-disconnect", async (ws) => {
      ws.accept();
      ws.sendText("ready");
      try {
        await ws.receiveText();
      } catch (error) {
        if (error instanceof WebSocketDisconnect) {
          record(ws, { disconnect: { code: error.code, reason: error.reason } });
        }
        throw error;
      }
    }),
    new WebSocketRoute("/ws/record-iteration", async (ws) => {
      ws.accept();
      ws.sendText("ready");
      let messages = 0;
      for await (const _ of ws) messages++;
      record(ws, { iterationEnded: true, messages });
    }),
    // S-WS-8
    new WebSocketRoute("/ws/receive-before-accept", async (ws) => {
      await ws.receiveText();
    }),
    new WebSocketRoute("/ws/send-after-close", (ws) => {
      ws.accept();
      ws.close(4002, "closed once");
      try {
        ws.sendText("too late");
      } catch (error) {
        record(ws, { sendAfterClose: (error as Error).message });
      }
      ws.close(4003, "closed twice"); // a no-op: the client sees 4002
    }),
    // S-WS-9
    new WebSocketRoute(
      "/ws/room-full-before",
      throwBeforeAccept(() => new RoomFull("lobby")),
    ),
    new WebSocketRoute(
      "/ws/room-full-after",
      readyThenThrow(() => new RoomFull("kitchen")),
    ),
    new WebSocketRoute(
      "/ws/kicked",
      readyThenThrow(() => new KickedOut(4000, "spam")),
    ),
    // S-WS-12: what the client sent is not what the endpoint expects, and it does not catch that.
    new WebSocketRoute("/ws/expect-text", async (ws) => {
      ws.accept();
      ws.sendText("ready");
      ws.sendText(await ws.receiveText());
    }),
    new WebSocketRoute("/ws/expect-json", async (ws) => {
      ws.accept();
      ws.sendText("ready");
      ws.sendJson(await ws.receiveJson());
    }),
    // S-WS-13: the request stays readable after the upgrade.
    new WebSocketRoute("/ws/request-after-accept", (ws) => {
      ws.accept({ subprotocol: ws.subprotocols[0] });
      ws.sendJson({
        subprotocols: ws.subprotocols,
        upgrade: ws.request.headers.get("upgrade"),
        cloned: ws.request.clone().headers.get("upgrade"),
      });
    }),
    new WebSocketRoute("/ws/log", (ws) => {
      ws.accept();
      ws.sendJson(log.filter((entry) => entry.tag === tagOf(ws)));
    }),
    new WebSocketRoute("/ws/validated", validatedChat),
  ];
}

/** Handlers keyed by class get the session, not a request (S-WS-9). */
const onRoomFull = ((ws: WebSocketSession, exc: RoomFull) => {
  if (ws.phase === "connecting") ws.accept();
  ws.sendText(`handler saw ${exc.name} for ${exc.room}`);
  ws.close(4429, "room full");
}) as unknown as ExceptionHandler;

const onKickedOut = ((ws: WebSocketSession, exc: KickedOut) => {
  ws.close(4666, `kicked: ${exc.reason}`);
}) as unknown as ExceptionHandler;

const onTeapot: ExceptionHandler = (_request, exc: HTTPException) =>
  new JSONResponse({ handled: exc.detail }, { status: 418, headers: { "x-handler": "418" } });

const onNotFound: ExceptionHandler = (request) =>
  new PlainTextResponse(`no route for ${new URL(request.url).pathname}`, {
    status: 404,
    headers: { "x-handler": "404" },
  });

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Reads the request after the endpoint accepted (Deno closes it at the
 * upgrade) and marks every response, the upgrade's included (S-WS-13).
 */
const markResponses: Middleware = (next) => async (request, ctx) => {
  const response = await next(request, ctx);
  response.headers.set("x-middleware", request.headers.get("upgrade") ?? "plain");
  return response;
};

/** A fresh app with its own report list and log, so runs never share state. */
export function createWebSocketApp(): App {
  const reports: string[] = [];
  const log: LogEntry[] = [];
  // Reads the request's headers after the endpoint accepted, as a real onError might.
  const onError = (error: unknown, request: Request) => {
    reports.push(describeError(error));
    const tag = new URL(request.url).searchParams.get("tag") ?? "";
    log.push({ tag, reportedUpgrade: request.headers.get("upgrade") });
  };
  return new App({
    middleware: [markResponses],
    routes: [
      ...webSocketRoutes(log),
      new Route("/http-only", () => new PlainTextResponse("plain HTTP")),
      new Route("/__reports", () => new JSONResponse(reports)),
      new Route("/__ws-log", () => new JSONResponse(log)),
    ],
    exceptionHandlers: [
      [404, onNotFound],
      [418, onTeapot],
      [RoomFull, onRoomFull],
      [KickedOut, onKickedOut],
    ],
    onError,
  });
}
