/**
 * edgelette on Node 20+: `node:http` serves the fetch handler, `ws` the WebSockets.
 * @example
 * import { config, serve } from "edgelette/node";
 * const server = await serve(app, { port: config().number("PORT", 8000) });
 */
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { deferBodyStreams } from "../src/buffered-response.ts";
import { Config } from "../src/config.ts";
import { createSourceReader } from "../src/debug/source-reader.ts";
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
import type { Fetchable } from "../src/types.ts";
import { handshakeHeaders } from "../src/websocket/transport.ts";
import { ClientWatch, discardUnread, toRequest, writeResponse } from "./node-http.ts";
import { NodeSocket, watchUntilHandOver, writeDenial } from "./node-socket.ts";

export type { ServeOptions, ServerHandle };

// The server sends edgelette's text bodies as text: building their streams would cost Node 20 ~20 µs each.
deferBodyStreams();

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
  readonly #report: (error: unknown) => void;
  readonly #deadlines: Deadlines;
  readonly #sockets = new Map<IncomingMessage, NodeSocket>();
  readonly #connections = new Set<Socket>();
  #closing: Promise<void> | undefined;
  // The debug page follows a compiled file's `.map` itself, so this works with or
  // without --enable-source-maps.
  readonly #sources = createSourceReader(process.cwd(), (path) => readFileSync(path, "utf8"));

  constructor(app: Fetchable, options: ServeOptions) {
    this.#app = app;
    this.#options = options;
    this.#report = reporterFor(options);
    this.#work = new PendingWork(this.#report);
    const timeout = options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT;
    this.#deadlines = new Deadlines(timeout, this.#report);
    this.#http.on("request", (req, res) => this.#work.track(this.#respond(req, res)));
    this.#http.on("upgrade", (req, socket, head) =>
      this.#work.track(this.#upgrade(req, socket, head)),
    );
    this.#http.on("connection", (socket: Socket) => {
      this.#connections.add(socket);
      socket.once("close", () => this.#connections.delete(socket));
    });
    this.#wss.on("headers", (lines, req) => {
      for (const [name, value] of this.#sockets.get(req)?.handshake ?? []) {
        if (name !== "sec-websocket-protocol") lines.push(`${name}: ${value}`); // ws writes that one
      }
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
    const client = new ClientWatch(res);
    try {
      const response = await this.#fetch(req, client);
      discardUnread(req, res);
      await writeResponse(res, response, req.method);
    } finally {
      if (!res.writableEnded) res.destroy(); // writing failed midway: cut, never a clean end
    }
    await client.closed; // the last bytes are out: shutdown may cut the connection
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const transport = new NodeSocket(req);
    socket.on("error", () => socket.destroy()); // Node removed its own listener when handing over
    const client = new ClientWatch(socket);
    socket.once("close", () => transport.abandon());
    const handOver = watchUntilHandOver(socket, head);
    try {
      const response = await this.#fetch(req, client, transport);
      // The transport decides, not the response: middleware may have replaced it.
      if (!transport.accepted) return await writeDenial(req, socket, response);
      if (socket.destroyed) return transport.abandon(); // the client left while the endpoint ran
      if (this.#closing) transport.close(1001, "going away");
      transport.handshake = handshakeHeaders(response, transport.accepted); // middleware's too
      this.#sockets.set(req, transport);
      this.#wss.handleUpgrade(req, socket, handOver(), (ws) => transport.attach(ws));
      await transport.ended;
    } catch (error) {
      socket.destroy();
      throw error; // the handshake or socket failed: PendingWork reports it
    } finally {
      this.#sockets.delete(req);
    }
  }

  async #fetch(req: IncomingMessage, client: ClientWatch, transport?: NodeSocket) {
    const request = toRequest(req, client);
    if (!request) return new Response(null, { status: 400 });
    const upgrader = transport && (() => transport);
    const executionCtx = createExecutionContext(this.#work, upgrader, this.#sources);
    let answer: Response | Promise<Response>;
    try {
      // The app is called in this frame (see `serverError` for why).
      answer = orServerError(
        this.#app.fetch(request, this.#options.env, executionCtx),
        this.#report,
      );
    } catch (error) {
      answer = serverError(error, this.#report);
    }
    return this.#deadlines.guard(request, answer);
  }
}
