/**
 * WebSocket rooms on Cloudflare Durable Objects (SPEC S-WS-11), over the
 * Hibernation API: an idle room leaves memory while its sockets stay
 * connected, and wakes up for the next message. The hooks get `RoomSocket`s
 * and end the way a `WebSocketRoute` endpoint does (S-WS-2, S-WS-3, S-WS-4).
 * @example
 * export class Lobby extends WebSocketRoom {
 *   onMessage(ws: RoomSocket, message: RoomMessage) { this.broadcast(message); }
 * }
 */
import type { App } from "../src/app.ts";
import { RequestContext } from "../src/context.ts";
import { HTTPException, WebSocketDisconnect } from "../src/exceptions.ts";
import type { HandlerEntries, HandlerTable } from "../src/handler-table.ts";
import { createHandlerTable } from "../src/middleware/default-handlers.ts";
import { ServerErrorMiddleware } from "../src/middleware/errors.ts";
import { handle, keepCause } from "../src/middleware/handle.ts";
import { consoleReporter, type ErrorReporter, infoOf, reportOnce } from "../src/reporting.ts";
import { type HibernatableSocket, RoomSocket } from "./cloudflare-room-socket.ts";

export type { HibernatableSocket, RoomAcceptInit } from "./cloudflare-room-socket.ts";
export { RoomSocket };

/** The part of a Durable Object's `ctx` (`DurableObjectState`) a room uses. */
export interface RoomContext {
  acceptWebSocket(ws: HibernatableSocket, tags?: string[]): void;
  getWebSockets(tag?: string): HibernatableSocket[];
}

export interface RoomOptions {
  /**
   * The app whose handler table the hooks answer with, exactly as its
   * `WebSocketRoute`s do (S-WS-11): pass the same `App` the Worker exports.
   */
  app?: App;
  /** Handlers of the room's own, when there is no `app` (the same shapes as `App`'s option). */
  exceptionHandlers?: HandlerEntries;
  /** Called once for each unhandled error; defaults to `console.error` with the stack. */
  onError?: ErrorReporter;
  /** An unhandled error in `onConnect` before `accept()` answers with a traceback page. */
  debug?: boolean;
}

/** A hook's failure, for `onError`: a room has no route, and no middleware gave an id. */
const ROOM = Object.freeze(infoOf("room"));

/** Text as a string, binary as a Uint8Array. */
export type RoomMessage = string | Uint8Array;

export interface BroadcastOptions<State> {
  /** Skip this member (usually the sender). */
  except?: RoomSocket<State>;
  /** Only members accepted with this tag. */
  tag?: string;
}

/**
 * A Durable Object whose members are WebSockets. Override the hooks; the
 * Durable Object entry points (`fetch`, `webSocketMessage`, `webSocketClose`,
 * `webSocketError`) are this class's.
 */
export abstract class WebSocketRoom<Env = unknown, State = unknown> {
  readonly ctx: RoomContext;
  readonly env: Env;
  readonly #onError: ErrorReporter;
  readonly #table: HandlerTable;
  readonly #handshake: ServerErrorMiddleware;
  /** One `RoomSocket` per socket while the object is in memory; rebuilt from attachments after. */
  readonly #members = new WeakMap<HibernatableSocket, RoomSocket<State>>();
  readonly #gone = new WeakSet<HibernatableSocket>();

  constructor(ctx: RoomContext, env: Env, options: RoomOptions = {}) {
    this.ctx = ctx;
    this.env = env;
    this.#onError = options.onError ?? consoleReporter;
    this.#table = options.app?.exceptionTable ?? createHandlerTable(options.exceptionHandlers);
    // Before accept, errors are HTTP answers: the same layers as an App, with its table.
    const { debug } = options;
    this.#handshake = new ServerErrorMiddleware(this.#connect, {
      table: this.#table,
      debug,
      onError: this.#onError,
    });
  }

  /** Decides whether the client joins: call `ws.accept()`, or throw. The default accepts everyone. */
  onConnect(ws: RoomSocket<State>, _request: Request): void | Promise<void> {
    ws.accept();
  }

  onMessage(_ws: RoomSocket<State>, _message: RoomMessage): void | Promise<void> {}

  /** A member left: the client closed, the connection dropped, or the room closed it. */
  onClose(_ws: RoomSocket<State>, _code: number, _reason: string): void | Promise<void> {}

  /** Requests that are not WebSocket upgrades. */
  onRequest(_request: Request): Response | Promise<Response> {
    throw new HTTPException(426, "expected a WebSocket upgrade", { Upgrade: "websocket" });
  }

  /** The members whose sockets are open, optionally only those accepted with `tag`. */
  sockets(tag?: string): RoomSocket<State>[] {
    const members = this.ctx.getWebSockets(tag).map((socket) => this.#member(socket));
    return members.filter((ws) => ws.phase === "open");
  }

  /** Sends `message` to every open member; one that fails is skipped (its close event follows). */
  broadcast(message: RoomMessage, options: BroadcastOptions<State> = {}): void {
    for (const ws of this.sockets(options.tag)) {
      if (ws === options.except) continue;
      try {
        if (typeof message === "string") ws.sendText(message);
        else ws.sendBytes(message);
      } catch {
        // A member that left mid-broadcast is not the others' problem.
      }
    }
  }

  async fetch(request: Request): Promise<Response> {
    return this.#handshake.fetch(request, this.env);
  }

  async webSocketMessage(socket: HibernatableSocket, message: string | ArrayBuffer): Promise<void> {
    const ws = this.#member(socket);
    if (ws.phase !== "open") return;
    const data = typeof message === "string" ? message : new Uint8Array(message);
    await this.#run(ws, () => this.onMessage(ws, data));
  }

  async webSocketClose(socket: HibernatableSocket, code: number, reason: string): Promise<void> {
    // Answered before the hook runs, so a failing hook cannot leave the client at 1006.
    reciprocate(socket, code, reason);
    await this.#leave(socket, code, reason);
  }

  async webSocketError(socket: HibernatableSocket): Promise<void> {
    await this.#leave(socket, 1006, "");
  }

  readonly #connect = async (request: Request): Promise<Response> => {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return this.onRequest(request);
    }
    const accept = (socket: HibernatableSocket, tags: string[]) =>
      this.ctx.acceptWebSocket(socket, tags);
    const ws = RoomSocket.connecting<State>(request, accept);
    try {
      await this.onConnect(ws, request);
    } catch (error) {
      // 1. Before accept, the table answers: a denial, or on the socket (a
      //    WebSocketException's code reaches a browser only once accepted).
      // 2. What it has no handler for is the 500 layer's: a reported 500 denial.
      if (ws.phase === "connecting") {
        const answer = await handle(this.#table, error, ws, this.#context(ws));
        if (answer === undefined) throw error;
        if (ws.phase === "connecting") return answer;
      } else await this.#fail(ws, error);
    }
    // 3. Returned without accepting: accept and close 1000, as a WebSocketRoute endpoint does.
    if (ws.phase === "connecting") ws.close(1000);
    this.#members.set(ws.socket as HibernatableSocket, ws);
    return ws.response as Response;
  };

  /** Runs `onClose` once per member, however it left. */
  async #leave(socket: HibernatableSocket, code: number, reason: string): Promise<void> {
    if (this.#gone.has(socket)) return;
    this.#gone.add(socket);
    const ws = this.#member(socket);
    ws.markClosed(code, reason);
    await this.#run(ws, () => this.onClose(ws, code, reason));
  }

  async #run(ws: RoomSocket<State>, hook: () => void | Promise<void>): Promise<void> {
    try {
      await hook();
    } catch (error) {
      await this.#fail(ws, error);
    }
  }

  /**
   * After accept, what a hook throws ends on the socket through the table,
   * as in a `WebSocketRoute`; what it has no handler for is reported, 1011.
   */
  async #fail(ws: RoomSocket<State>, error: unknown): Promise<void> {
    if (error instanceof WebSocketDisconnect) return;
    try {
      if ((await handle(this.#table, error, ws, this.#context(ws))) !== undefined) return;
      reportOnce(this.#onError, error, ws.request, undefined, ROOM);
    } catch (handlerError) {
      reportOnce(this.#onError, keepCause(handlerError, error), ws.request, undefined, ROOM);
    }
    ws.close(1011);
  }

  /** What a handler receives as `ctx`: the room's env, for the socket's request. */
  #context(ws: RoomSocket<State>): RequestContext {
    return new RequestContext(ws.request, this.env);
  }

  #member(socket: HibernatableSocket): RoomSocket<State> {
    let ws = this.#members.get(socket);
    if (!ws) {
      ws = RoomSocket.accepted<State>(socket);
      this.#members.set(socket, ws);
    }
    return ws;
  }
}

/** Answers the client's close frame: the Hibernation API does not, and a client left waiting sees 1006. */
function reciprocate(socket: HibernatableSocket, code: number, reason: string): void {
  try {
    // 1005 (no code given), 1006 and 1015 may not be sent: answer with a bare close frame.
    if (code === 1005 || code === 1006 || code === 1015) socket.close();
    else socket.close(code, reason);
  } catch {
    // Already closed (the room closed first, or the connection is gone): nothing to answer.
  }
}
