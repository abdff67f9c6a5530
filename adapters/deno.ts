/**
 * edgelette on Deno: `serve(app)` over `Deno.serve`, WebSockets over `Deno.upgradeWebSocket`.
 * @example const server = await serve(app, { port: 8000 }); // import { serve } from "edgelette/deno"
 */
import { Config } from "../src/config.ts";
import { createSourceReader, type SourceReader } from "../src/debug/source-reader.ts";
import { HTTPException } from "../src/exceptions.ts";
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
import { messageSize } from "../src/websocket/backpressure.ts";
import type * as Transport from "../src/websocket/transport.ts";

export type { ServeOptions, ServerHandle };

// The slice of the Deno namespace used here, so `tsc` needs no Deno types.
type DenoServeOptions = { hostname: string; port: number; onListen(): void; onError: OnError };
type OnError = (error: unknown) => Response;
type DenoHttpServer = {
  addr: { hostname: string; port: number };
  shutdown(): Promise<void>;
  /** Lets the process exit while the server still holds connections. */
  unref(): void;
};
type DenoUpgrade = { socket: WebSocket; response: Response };
/** Settles once the response went out (for an upgrade: the 101, even to a client that left). */
type ServeInfo = { completed?: Promise<void> };
declare const Deno: {
  serve(
    options: DenoServeOptions,
    handler: (request: Request, info: ServeInfo) => unknown,
  ): DenoHttpServer;
  upgradeWebSocket(request: Request, options: { protocol?: string }): DenoUpgrade;
  env: { get(key: string): string | undefined };
  cwd(): string;
  readTextFileSync(path: string): string;
};

/** Settings from the process environment (needs `--allow-env`). */
export function config(): Config {
  return new Config((key) => Deno.env.get(key));
}

// Deno calls onError only for a body that failed midway (the handler catches the rest):
// the 500 layer reported it already, and Deno's default would print it a second time.
const QUIET = { onListen() {}, onError: () => new Response(null, { status: 500 }) };

/** Serves `app` until `close()` (or `options.signal`); resolves once listening. */
export async function serve(app: Fetchable, options: ServeOptions = {}): Promise<ServerHandle> {
  const report = reporterFor(options);
  const state: ServerState = {
    work: new PendingWork(report),
    sockets: new Set(),
    report,
    deadlines: new Deadlines(options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT, report, {
      keepTimer: true,
    }),
    closing: false,
    sources: createSourceReader(workingDirectory(), (path) => Deno.readTextFileSync(path)),
  };
  const server = Deno.serve(
    { ...QUIET, hostname: options.hostname ?? "127.0.0.1", port: options.port ?? 8000 },
    handlerFor(app, options.env, state),
  );
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= shutdown(server, state, options.shutdownTimeout ?? 10_000);
    return closing;
  };
  options.signal?.addEventListener("abort", close, { once: true });
  if (options.signal?.aborted) await close();
  const { hostname, port } = server.addr;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return { url: new URL(`http://${host}:${port}/`), hostname, port, close };
}

/** What a server's requests share, and what its shutdown waits for. */
interface ServerState {
  work: PendingWork;
  sockets: Set<DenoSocket>;
  report: (error: unknown) => void;
  deadlines: Deadlines;
  /** Set once `close()` began: a socket accepted from then on is told 1001 at once. */
  closing: boolean;
  sources: SourceReader;
}

/** Deno stacks already name the .ts line; the debug page reads it (needs --allow-read). */
function workingDirectory(): string {
  try {
    return Deno.cwd();
  } catch {
    return ""; // no read permission: paths stay absolute, sources unread
  }
}

/** Each request gets an execution context that tracks its background work and can upgrade. */
function handlerFor(app: Fetchable, env: unknown, state: ServerState) {
  const { work, report, deadlines, sources } = state;
  return (request: Request, info: ServeInfo): Response | Promise<Response> => {
    const upgrader = (upgrading: Request) => new DenoSocket(upgrading, state, info.completed);
    let answer: Response | Promise<Response>;
    try {
      // The app is called in this frame (see `serverError` for why).
      const executionCtx = createExecutionContext(work, upgrader, sources);
      answer = orServerError(app.fetch(request, env, executionCtx), report);
    } catch (error) {
      answer = serverError(error, report);
    }
    return deadlines.guard(request, answer);
  };
}

// 1. Open sockets close with 1001 first: Deno's shutdown would say "Server shutting down".
// 2. Stop accepting; in-flight requests and background work finish. One deadline for all.
// 3. Deno cannot cut a connection: requests still unanswered then get a 503 (Connection: close),
//    and what Deno still holds (a 101 that reached nobody never ends) no longer keeps the process.
// 4. The deadlines' timer goes too.
async function shutdown(server: DenoHttpServer, state: ServerState, timeout: number) {
  const { sockets, work, deadlines } = state;
  state.closing = true;
  const deadline = Date.now() + timeout;
  const handshakes = new PendingWork();
  for (const socket of sockets) handshakes.track(socket.goAway());
  await handshakes.drain(timeout);
  const stopped = server.shutdown();
  work.track(stopped);
  if (!(await work.drain(Math.max(0, deadline - Date.now())))) {
    deadlines.giveUp();
    const after = new PendingWork();
    after.track(stopped);
    if (!(await after.drain(GIVE_UP_GRACE_MS))) server.unref();
  }
  deadlines.stop();
}

/** How long shutdown waits for the 503s it sent after `shutdownTimeout` to go out. */
const GIVE_UP_GRACE_MS = 1000;

/** How long a socket may stay unopened after its 101 went out before the client counts as gone. */
const OPEN_GRACE_MS = 500;

/**
 * Deno reports a connection that broke (reset, forbidden close code) as code 0;
 * its error event says why. The endpoint sees what the others give: 1002 for
 * a protocol error Deno answered 1002, else 1006.
 */
function closeCodeOf(code: number, failure: string): number {
  if (code !== 0) return code;
  return /close code/i.test(failure) ? 1002 : 1006;
}

/** One upgraded connection, as the `WebSocketSession` sees it. */
class DenoSocket implements Transport.WebSocketTransport {
  readonly #request: Request;
  readonly #state: ServerState;
  readonly #delivered: Promise<void> | undefined;
  #socket: WebSocket | undefined;
  #early = 0;
  #events: Transport.TransportEvents | undefined;
  #ended = false;

  constructor(request: Request, state: ServerState, delivered: Promise<void> | undefined) {
    this.#request = request;
    this.#state = state;
    this.#delivered = delivered;
  }

  accept(options: Transport.AcceptOptions, events: Transport.TransportEvents): Response {
    const { socket, response } = upgrade(this.#request);
    socket.binaryType = "arraybuffer";
    socket.onmessage = ({ data }) =>
      events.message(typeof data === "string" ? data : new Uint8Array(data));
    let failure = "";
    socket.onerror = (event) => {
      failure = (event as ErrorEvent).message ?? ""; // `close` follows: that is what we report
    };
    socket.onclose = ({ code, reason }) => this.#end(closeCodeOf(code, failure), reason);
    this.#socket = socket;
    this.#events = events;
    this.#state.sockets.add(this);
    this.#watchOpening();
    if (this.#state.closing) void this.goAway();
    for (const [name, value] of options.headers ?? []) response.headers.set(name, value);
    // Set here, not passed to Deno: Deno splits the offer on ", " only, so `a,b` (as the
    // `ws` client sends it) failed; the session already checked it per RFC 6455 (S-WS-13).
    if (options.subprotocol) response.headers.set("sec-websocket-protocol", options.subprotocol);
    return response;
  }

  /**
   * Deno fires neither open nor close for a 101 that reached nobody (the client
   * left before accept): once the response is out, a socket that does not open
   * soon is reported closed (1006), and closed if it opens after all.
   */
  #watchOpening(): void {
    const socket = this.#socket as WebSocket;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const opened = () => {
      clearTimeout(timer);
      if (this.#ended) socket.close(1001, "going away"); // too late: the session has moved on
    };
    socket.addEventListener("open", opened, { once: true });
    const check = () => {
      if (socket.readyState !== WebSocket.CONNECTING) return;
      timer = setTimeout(() => {
        if (socket.readyState === WebSocket.CONNECTING) this.#end(1006, "");
      }, OPEN_GRACE_MS);
    };
    this.#delivered?.then(check, check);
  }

  #end(code: number, reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#state.sockets.delete(this);
    this.#events?.close(code, reason);
  }

  send(data: Transport.WebSocketMessage): boolean {
    const socket = this.#socket as WebSocket;
    if (socket.readyState === WebSocket.OPEN) {
      socket.send(data as string | Uint8Array<ArrayBuffer>);
      return true; // Deno queues without limit; the session bounds `bufferedAmount`
    }
    // Until Deno opens the socket, sends wait here: counted, so they are bounded too.
    const size = messageSize(data);
    this.#early += size;
    this.#whenOpen((socket) => {
      this.#early -= size;
      socket.send(data as string | Uint8Array<ArrayBuffer>);
    });
    return true;
  }

  close(code: number, reason: string): void {
    this.#whenOpen((socket) => socket.close(code, reason));
  }

  bufferedAmount(): number {
    return (this.#socket?.bufferedAmount ?? 0) + this.#early;
  }

  /** Closes with 1001; resolves when the close handshake is over. */
  goAway(): Promise<unknown> {
    const socket = this.#socket as WebSocket;
    const closed = new Promise((resolve) => socket.addEventListener("close", resolve));
    this.close(1001, "going away");
    // The endpoint hears it now, whether or not the client answers the close frame.
    this.#end(1001, "going away");
    return closed;
  }

  /** Acts on an open socket; Deno opens it after the 101 went out, so earlier calls wait, in order. */
  #whenOpen(act: (socket: WebSocket) => void): void {
    const socket = this.#socket as WebSocket;
    if (socket.readyState === WebSocket.OPEN) act(socket);
    else if (socket.readyState === WebSocket.CONNECTING) {
      socket.addEventListener("open", () => this.#whenOpen(act), { once: true });
    }
  }
}

/**
 * A malformed upgrade (no key, wrong version) is the client's mistake: a 400,
 * not a 500, and never with Deno's own error text.
 */
function upgrade(request: Request): DenoUpgrade {
  keepReadable(request);
  try {
    return Deno.upgradeWebSocket(request, {});
  } catch {
    throw new HTTPException(400, "invalid WebSocket upgrade request");
  }
}

/**
 * Deno closes the request at the upgrade: its headers and `clone()` then throw
 * "Request closed", yet the endpoint, middleware and `onError` still hold it
 * (S-WS-13). Iterating the headers makes Deno copy them into the `Headers`
 * object, which then outlives the request; `clone()` copies what is left.
 */
function keepReadable(request: Request): void {
  const headers = request.headers;
  for (const _ of headers);
  const { url, method } = request;
  const clone = () => new Request(url, { method, headers });
  Object.defineProperty(request, "clone", { value: clone, configurable: true });
}
