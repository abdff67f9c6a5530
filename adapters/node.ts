/**
 * edgelette on Node 20+: `node:http` serves the fetch handler, `ws` the WebSockets.
 * @example
 * import { config, serve } from "edgelette/node";
 * const server = await serve(app, { port: config().number("PORT", 8000) });
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type Duplex, Readable } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { Config } from "../src/config.ts";
import { HTTPException } from "../src/exceptions.ts";
import {
  createExecutionContext,
  PendingWork,
  type ServeOptions,
  type ServerHandle,
} from "../src/server/execution-context.ts";
import type { Fetchable } from "../src/types.ts";
import type {
  AcceptOptions,
  TransportEvents,
  WebSocketTransport,
} from "../src/websocket/transport.ts";

export type { ServeOptions, ServerHandle };

/** Settings from `process.env`, with edgelette's strict casts (`config().boolean("DEBUG", false)`). */
export function config(): Config {
  return new Config(process.env);
}

/** Serves `app` until `close()` or `options.signal` aborts. Port 0 picks a free port. */
export async function serve(app: Fetchable, options: ServeOptions = {}): Promise<ServerHandle> {
  if (typeof app?.fetch !== "function") {
    throw new TypeError("serve(app) needs an app with a fetch(request, env, ctx) method");
  }
  const server = new NodeServer(app, options);
  const { address: hostname, port } = await server.listen(options.port ?? 8000, options.hostname);
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  const close = () => server.close(options.shutdownTimeout ?? 10_000);
  if (options.signal?.aborted) void close();
  options.signal?.addEventListener("abort", () => void close(), { once: true });
  return { url: new URL(`http://${host}:${port}/`), hostname, port, close };
}

class NodeServer {
  readonly #app: Fetchable;
  readonly #options: ServeOptions;
  readonly #http = createServer();
  // ws only writes the 101: the endpoint chose the subprotocol and headers in `accept()`.
  readonly #wss = new WebSocketServer({
    noServer: true,
    maxPayload: 16 * 1024 * 1024, // a route's own `maxMessageSize` (default 1 MiB) applies first
    handleProtocols: (_, req) => this.#sockets.get(req)?.accepted?.subprotocol ?? false,
  });
  readonly #work: PendingWork;
  readonly #sockets = new Map<IncomingMessage, NodeSocket>();
  readonly #connections = new Set<Socket>();
  #closing: Promise<void> | undefined;

  constructor(app: Fetchable, options: ServeOptions) {
    this.#app = app;
    this.#options = options;
    this.#work = new PendingWork(options.onError);
    this.#http.on("request", (req, res) => this.#work.track(this.#respond(req, res)));
    this.#http.on("upgrade", (req, socket, head) =>
      this.#work.track(this.#upgrade(req, socket, head)),
    );
    this.#http.on("connection", (socket: Socket) => {
      this.#connections.add(socket);
      socket.once("close", () => this.#connections.delete(socket));
    });
    this.#wss.on("headers", (lines, req) => {
      const accepted = this.#sockets.get(req)?.accepted;
      for (const [name, value] of accepted?.headers ?? []) lines.push(`${name}: ${value}`);
    });
  }

  async listen(port: number, hostname = "127.0.0.1"): Promise<AddressInfo> {
    this.#http.listen(port, hostname);
    await once(this.#http, "listening"); // rejects on "error" (port in use…)
    return this.#http.address() as AddressInfo;
  }

  // 1. Stop accepting. 2. Ask WebSocket clients to leave. 3. Wait, bounded, for
  // requests, sockets and background work. 4. Cut whatever is left.
  close(timeout: number): Promise<void> {
    this.#closing ??= (async () => {
      const stopped = once(this.#http, "close");
      this.#http.close();
      for (const socket of this.#sockets.values()) socket.close(1001, "going away");
      await this.#work.drain(timeout);
      for (const connection of this.#connections) connection.destroy();
      await stopped;
    })();
    return this.#closing;
  }

  async #respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ended = once(res, "close"); // the last bytes are out: shutdown may cut the connection
    try {
      await writeResponse(res, await this.#fetch(req, abortOnClose(res)), req.method);
    } finally {
      if (!res.writableEnded) res.destroy(); // the app failed outside edgelette's layers
    }
    await ended;
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const transport = new NodeSocket(req);
    socket.on("error", () => socket.destroy()); // Node removed its own listener when handing over
    const signal = abortOnClose(socket, () => transport.abandon());
    const handOver = watchUntilHandOver(socket, head);
    try {
      const response = await this.#fetch(req, signal, transport);
      // The transport decides, not the response: middleware may have replaced it.
      if (!transport.accepted) return await writeDenial(req, socket, response);
      if (socket.destroyed) return transport.abandon(); // the client left while the endpoint ran
      if (this.#closing) transport.close(1001, "going away");
      this.#sockets.set(req, transport);
      this.#wss.handleUpgrade(req, socket, handOver(), (ws) => transport.attach(ws));
      await transport.ended;
    } catch (error) {
      socket.destroy();
      throw error; // the app failed outside edgelette's layers: PendingWork reports it
    } finally {
      this.#sockets.delete(req);
    }
  }

  async #fetch(req: IncomingMessage, signal: AbortSignal, transport?: NodeSocket) {
    const request = toRequest(req, signal);
    if (!request) return new Response(null, { status: 400 });
    const executionCtx = createExecutionContext(this.#work, transport && (() => transport));
    return this.#app.fetch(request, this.#options.env, executionCtx);
  }
}

/**
 * Reads an upgrade's socket until ws takes it: that is how Node notices a client
 * that leaves (or half-closes) while the endpoint decides. `handOver()` stops and
 * returns the bytes read, for ws, which starts reading in the same tick.
 */
function watchUntilHandOver(socket: Duplex, head: Buffer): () => Buffer {
  const early = [head];
  const keep = (chunk: Buffer) => early.push(chunk);
  const leave = () => socket.destroy();
  socket.on("data", keep).once("end", leave);
  return () => {
    socket.off("data", keep).off("end", leave);
    return Buffer.concat(early);
  };
}

/** A signal that aborts if the connection closes before the response is complete. */
function abortOnClose(stream: ServerResponse | Duplex, onClose?: () => void): AbortSignal {
  const client = new AbortController();
  stream.once("close", () => {
    if (!stream.writableFinished) client.abort();
    onClose?.();
  });
  return client.signal;
}

/** The fetch `Request` for Node's request (repeated headers kept, body streamed); undefined if malformed. */
function toRequest(req: IncomingMessage, signal: AbortSignal): Request | undefined {
  const { method = "GET", url = "/", rawHeaders } = req;
  const headers = new Headers();
  const body = method === "GET" || method === "HEAD" ? null : Readable.toWeb(req);
  try {
    for (let i = 0; i < rawHeaders.length; i += 2) headers.append(rawHeaders[i], rawHeaders[i + 1]);
    const host = req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`;
    const href = url.startsWith("/") ? `http://${host}${url}` : url; // or absolute-form, from a proxy
    return new Request(href, { method, headers, body, signal, duplex: "half" } as RequestInit);
  } catch {
    return undefined; // a Host or header value that fetch refuses
  }
}

async function writeResponse(res: ServerResponse, response: Response, method = "GET") {
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  res.setHeaders(response.headers); // keeps each Set-Cookie separate
  const body = method === "HEAD" ? null : response.body;
  if (!body) {
    await response.body?.cancel();
    return void res.end();
  }
  // Headers leave with the first chunk, or on the next turn if it is slow (server-sent events).
  const flush = setImmediate(() => {
    if (!res.headersSent) res.flushHeaders();
  });
  await writeBody(res, body.getReader()).finally(() => clearImmediate(flush));
}

async function writeBody(res: ServerResponse, reader: ReadableStreamDefaultReader<Uint8Array>) {
  const stop = () => reader.cancel().catch(() => {}); // the client left: stop producing
  res.once("close", stop);
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      if (res.destroyed) return void stop(); // it left before we listened
      if (!res.write(chunk.value)) await drained(res);
    }
    res.end();
  } catch {
    res.destroy(); // S-REP-2: a clean end would tell the client the body was complete
  }
}

/** Resolves when `res` can take more, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done).off("close", done);
      resolve();
    };
    if (res.destroyed) resolve();
    else res.on("drain", done).on("close", done);
  });
}

/** A refused upgrade: Node writes the app's response on the raw socket, then it closes. */
async function writeDenial(req: IncomingMessage, socket: Duplex, response: Response) {
  const res = new ServerResponse(req);
  res.assignSocket(socket as Socket);
  res.shouldKeepAlive = false;
  res.once("finish", () => socket.end(() => socket.destroy()));
  await writeResponse(res, response, req.method);
}

/** A malformed upgrade is the client's mistake: a 400 through the handlers, as on Deno and Bun. */
function checkHandshake(req: IncomingMessage): void {
  const key = req.headers["sec-websocket-key"] ?? "";
  const version = req.headers["sec-websocket-version"];
  if (!/^[+/0-9A-Za-z]{22}==$/.test(key) || (version !== "13" && version !== "8")) {
    throw new HTTPException(400, "invalid WebSocket upgrade request");
  }
}

/** One `ws` socket as an edgelette transport; what the endpoint does before the 101 is queued. */
class NodeSocket implements WebSocketTransport {
  readonly #req: IncomingMessage;
  accepted: AcceptOptions | undefined;
  #events: TransportEvents | undefined;
  #pending: ((socket: WebSocket) => void)[] | undefined = [];
  #socket: WebSocket | undefined;
  #ended: (() => void) | undefined;
  readonly ended = new Promise<void>((resolve) => {
    this.#ended = resolve;
  });

  constructor(req: IncomingMessage) {
    this.#req = req;
  }

  accept(options: AcceptOptions, events: TransportEvents): Response {
    checkHandshake(this.#req);
    this.accepted = options;
    this.#events = events;
    // Node's Response cannot carry 101: `accepted`, not this status, tells the server to upgrade.
    return new Response(null, { status: 200, headers: options.headers });
  }

  send(data: string | Uint8Array): void {
    this.#whenOpen((socket) => socket.send(data));
  }

  close(code: number, reason: string): void {
    this.#whenOpen((socket) => socket.close(code, reason));
  }

  attach(socket: WebSocket): void {
    this.#socket = socket;
    socket.on("message", (data, isBinary) => {
      // ws's default binaryType gives one Buffer; the session gets a plain Uint8Array copy.
      this.#events?.message(isBinary ? new Uint8Array(data as Buffer) : data.toString());
    });
    // ws answers a client's close frame itself, with the same code. A protocol error
    // (bad frame, too large) closes the socket too: "close" reports it, "error" would crash.
    socket.on("close", (code, reason) => this.#end(code, reason.toString()));
    socket.on("error", () => {});
    for (const act of this.#pending?.splice(0) ?? []) act(socket);
    this.#pending = undefined;
  }

  /** The connection dropped before the handshake completed: the session sees 1006. */
  abandon(): void {
    if (!this.#socket) this.#end(1006, "");
  }

  #whenOpen(act: (socket: WebSocket) => void): void {
    if (this.#socket) act(this.#socket);
    else this.#pending?.push(act);
  }

  #end(code: number, reason: string): void {
    this.#events?.close(code, reason);
    this.#events = undefined;
    this.#ended?.();
  }
}
