// edgelette on Bun: `serve(app, { port })` over `Bun.serve`, WebSockets over
// `server.upgrade`, settings from `Bun.env` through `config()`.
import { readFileSync } from "node:fs";
import { Config } from "../src/config.ts";
import { createSourceReader } from "../src/debug/source-reader.ts";
import { HTTPException } from "../src/exceptions.ts";
import { isResponse } from "../src/layer.ts";
import { DEFAULT_REQUEST_TIMEOUT, Deadlines } from "../src/server/deadline.ts";
import {
  createExecutionContext,
  orServerError,
  PendingWork,
  reporterFor,
  type ServeOptions,
  type ServerHandle,
  serverError,
} from "../src/server/execution-context.ts";
import { UrlCheck } from "../src/server/url-check.ts";
import type { Fetchable } from "../src/types.ts";
import { messageSize } from "../src/websocket/backpressure.ts";
import {
  type AcceptOptions,
  handshakeHeaders,
  isValidHandshake,
  type TransportEvents,
  type WebSocketMessage,
  type WebSocketTransport,
} from "../src/websocket/transport.ts";

export type { ServeOptions, ServerHandle };

// The slice of Bun's API this adapter uses (no @types/bun needed).
interface BunSocket {
  data: BunTransport;
  /** Bytes sent: > 0; -1 buffered under backpressure; 0 dropped. */
  send(data: WebSocketMessage): number;
  close(code?: number, reason?: string): void;
  getBufferedAmount(): number;
  terminate(): void;
}
interface BunServer extends Pick<ServerHandle, "url" | "port" | "hostname"> {
  upgrade(request: Request, options: { data: BunTransport; headers?: HeadersInit }): boolean;
  /** Resolves once open connections (requests, streamed bodies, sockets) have ended. */
  stop(closeActiveConnections?: boolean): Promise<void>;
}
declare const Bun: {
  env: Record<string, string | undefined>;
  serve(options: {
    hostname: string;
    port: number;
    fetch(
      request: Request,
      server: BunServer,
    ): Response | undefined | Promise<Response | undefined>;
    websocket: {
      idleTimeout: number;
      backpressureLimit: number;
      open(ws: BunSocket): void;
      message(ws: BunSocket, data: string | Uint8Array): void;
      close(ws: BunSocket, code: number, reason: string): void;
    };
  }): BunServer;
};

/** Bun's per-socket buffer ceiling; its default (16 MiB) silently dropped messages. */
const BUN_BACKPRESSURE_LIMIT = 1024 * 1024 * 1024;

/** The server's open sockets, and whether it is shutting down (a late accept goes away at once). */
interface BunSockets {
  live: Set<BunTransport>;
  closing: boolean;
}

/**
 * Bun reports a forbidden close code from the client as 1006 "Received invalid
 * close code", after answering 1002 on the wire: the endpoint sees the 1002, as
 * on the other runtimes. Other protocol errors stay 1006.
 */
function closeCodeOf(code: number, reason: string): [code: number, reason: string] {
  if (code !== 1006 || reason === "") return [code, reason];
  return /invalid close code/i.test(reason) ? [1002, ""] : [code, reason];
}

/**
 * One upgrade. `accept()` only records the endpoint's choice; once the app has
 * answered, `upgrade()` hands the request to Bun with the headers of that
 * answer (middleware's included), and Bun reports back through `ws.data`.
 */
class BunTransport implements WebSocketTransport {
  accepted: AcceptOptions | undefined;
  events: TransportEvents | undefined;
  #socket: BunSocket | undefined;
  #queued: WebSocketMessage[] = [];
  /** Set once either side closes: later sends and closes do nothing. */
  #closing: [code: number, reason: string] | undefined;

  constructor(
    readonly request: Request,
    readonly server: BunServer,
    readonly sockets: BunSockets,
  ) {}

  accept(options: AcceptOptions, events: TransportEvents): Response {
    // A malformed upgrade is the client's fault: a 400 through the handlers, not a 500.
    if (!isValidHandshake(this.request)) {
      throw new HTTPException(400, "invalid WebSocket upgrade request");
    }
    this.accepted = options;
    this.events = events;
    // Bun never sees this: the adapter's fetch returns undefined for an upgraded request.
    return new Response(null, { status: 101, headers: options.headers });
  }

  /** Completes the handshake with the app's answer; undefined tells Bun the request is upgraded. */
  upgrade(response: Response): Response | undefined {
    const headers = handshakeHeaders(response, this.accepted as AcceptOptions);
    if (upgradeWithChosenSubprotocol(this.server, this.request, { data: this, headers }))
      return undefined;
    this.closed(1006, "");
    return new Response("invalid WebSocket upgrade request", { status: 400 });
  }

  /** False when Bun dropped the message (its send returned 0): the session closes 1008. */
  send(data: WebSocketMessage): boolean {
    if (this.#closing) return true; // the session raises the disconnect itself
    if (this.#socket) return this.#socket.send(data) !== 0;
    this.#queued.push(data);
    return true;
  }

  terminate(): void {
    this.#socket?.terminate();
  }

  bufferedAmount(): number {
    if (this.#socket) return this.#socket.getBufferedAmount();
    return this.#queued.reduce((sum, data) => sum + messageSize(data), 0);
  }

  close(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = [code, reason];
    this.#socket?.close(code, reason);
  }

  opened(socket: BunSocket): void {
    this.#socket = socket;
    this.sockets.live.add(this);
    // Early sends are at most the session's buffer bound, well below Bun's limit.
    for (const data of this.#queued.splice(0)) socket.send(data);
    if (this.#closing) socket.close(...this.#closing);
    else if (this.sockets.closing) this.goAway();
  }

  /** Shutdown: the client is told 1001, and so is the endpoint, whether or not the client answers. */
  goAway(): void {
    this.close(1001, "going away");
    this.events?.close(1001, "going away");
  }

  /** The client closed, or the close we started completed; Bun answers a client's close frame. */
  closed(code: number, reason: string): void {
    this.#closing ??= [code, reason];
    this.sockets.live.delete(this);
    this.events?.close(...closeCodeOf(code, reason));
  }
}

/**
 * Bun confirms the client's first offered subprotocol unless the headers name
 * one; when the endpoint chose none, the 101 must carry none (S-WS-13). So
 * the offer is hidden from Bun for the call, and put back for the endpoint.
 */
function upgradeWithChosenSubprotocol(
  server: BunServer,
  request: Request,
  options: { data: BunTransport; headers: Headers },
): boolean {
  const offer = request.headers.get("sec-websocket-protocol");
  if (offer === null || options.headers.has("sec-websocket-protocol")) {
    return server.upgrade(request, options);
  }
  request.headers.delete("sec-websocket-protocol");
  try {
    return server.upgrade(request, options);
  } finally {
    request.headers.set("sec-websocket-protocol", offer);
  }
}

/** Serves `app` with `Bun.serve`; resolves once it listens. Stop it with `close()`. */
export async function serve(app: Fetchable, options: ServeOptions = {}): Promise<ServerHandle> {
  const report = reporterFor(options);
  const work = new PendingWork(report);
  const sockets: BunSockets = { live: new Set(), closing: false };
  const timeout = options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT;
  const deadlines = new Deadlines(timeout, report, { keepTimer: true });
  // Bun's stacks already name the .ts line; the debug page only needs to read it.
  const sources = createSourceReader(process.cwd(), (path) => readFileSync(path, "utf8"));
  const urls = new UrlCheck();
  const server = Bun.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 8000,
    fetch(received, bunServer) {
      const request = withUsableUrl(received, bunServer, urls);
      if (!request) return new Response(null, { status: 400 });
      let transport: BunTransport | undefined;
      const upgrader = () => (transport ??= new BunTransport(request, bunServer, sockets));
      const executionCtx = createExecutionContext(work, upgrader, sources);
      let answer: Response | Promise<Response>;
      try {
        // The app is called in this frame (see `serverError` for why).
        answer = orServerError(app.fetch(request, options.env, executionCtx), report);
      } catch (error) {
        answer = serverError(error, report);
      }
      answer = deadlines.guard(request, answer);
      // An accepted upgrade goes to Bun now, with the headers of the app's answer.
      const finish = (response: Response) =>
        transport?.accepted ? transport.upgrade(response) : response;
      return isResponse(answer) ? finish(answer) : answer.then(finish);
    },
    websocket: {
      idleTimeout: 0, // sessions have their own idleTimeout; Bun's default (120 s) would cut them
      // Bun drops sends (returns 0) past this; sessions bound their own buffer
      // (`maxBufferedAmount`, 16 MiB by default) and close 1008 first.
      backpressureLimit: BUN_BACKPRESSURE_LIMIT,
      open: (ws) => ws.data.opened(ws),
      // Binary arrives as a Buffer: copy it into a plain Uint8Array, as other runtimes give.
      message: (ws, data) =>
        ws.data.events?.message(typeof data === "string" ? data : new Uint8Array(data)),
      close: (ws, code, reason) => ws.data.closed(code, reason),
    },
  });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= shutdown(server, sockets, work, options.shutdownTimeout ?? 10_000).finally(() =>
      deadlines.stop(),
    ));
  if (options.signal?.aborted) await close();
  options.signal?.addEventListener("abort", () => void close(), { once: true });
  return { url: server.url, port: server.port, hostname: server.hostname, close };
}

// 1. Stop accepting. 2. Tell WebSocket clients we are going away. 3. Wait for requests,
//    streamed bodies, sockets (Bun's stop) and background work, up to `timeout`. 4. Cut the rest.
async function shutdown(
  server: BunServer,
  sockets: BunSockets,
  work: PendingWork,
  timeout: number,
): Promise<void> {
  sockets.closing = true;
  work.track(server.stop());
  for (const socket of sockets.live) socket.goAway();
  if (!(await work.drain(timeout))) await server.stop(true);
}

/**
 * Without a usable `Host` (HTTP/1.0, or a value Bun cannot parse) Bun's
 * `request.url` is only the path, which routers misread ("/x/admin" as
 * host "x"). It gets the server's own origin, as Node's adapter does;
 * a target that still makes no URL is answered 400 before the app runs.
 */
function withUsableUrl(request: Request, server: BunServer, urls: UrlCheck): Request | undefined {
  if (request.url.charCodeAt(0) !== 47 /* "/" */) {
    return urls.parses(request.url) ? request : undefined;
  }
  const url = `http://${server.hostname}:${server.port}${request.url}`;
  if (request.url.startsWith("//") || !URL.canParse(url)) return undefined;
  return new Request(url, request);
}

/** Settings from the process environment (`Bun.env`), with strict casts. */
export function config(): Config {
  return new Config((key) => Bun.env[key]);
}
