/**
 * edgelette on Deno: `serve(app)` over `Deno.serve`, WebSockets over `Deno.upgradeWebSocket`.
 * @example const server = await serve(app, { port: 8000 }); // import { serve } from "edgelette/deno"
 */
import { Config } from "../src/config.ts";
import { createSourceReader, type SourceReader } from "../src/debug/source-reader.ts";
import { HTTPException } from "../src/exceptions.ts";
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
import type * as Transport from "../src/websocket/transport.ts";

export type { ServeOptions, ServerHandle };

// The slice of the Deno namespace used here, so `tsc` needs no Deno types.
type DenoServeOptions = { hostname: string; port: number; onListen(): void; onError: OnError };
type OnError = (error: unknown) => Response;
type DenoHttpServer = { addr: { hostname: string; port: number }; shutdown(): Promise<void> };
type DenoUpgrade = { socket: WebSocket; response: Response };
declare const Deno: {
  serve(options: DenoServeOptions, handler: (request: Request) => unknown): DenoHttpServer;
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
function handlerFor(app: Fetchable, env: unknown, { work, sockets, report, sources }: ServerState) {
  const upgrader = (request: Request) => new DenoSocket(request, sockets);
  return (request: Request): Response | Promise<Response> => {
    try {
      // The app is called in this frame (see `serverError` for why).
      return orServerError(
        app.fetch(request, env, createExecutionContext(work, upgrader, sources)),
        report,
      );
    } catch (error) {
      return serverError(error, report);
    }
  };
}

// 1. Open sockets close with 1001 first: Deno's shutdown would say "Server shutting down".
// 2. Stop accepting; in-flight requests and background work finish. One deadline for all.
async function shutdown(server: DenoHttpServer, { sockets, work }: ServerState, timeout: number) {
  const deadline = Date.now() + timeout;
  const handshakes = new PendingWork();
  for (const socket of sockets) handshakes.track(socket.goAway());
  await handshakes.drain(timeout);
  work.track(server.shutdown());
  await work.drain(Math.max(0, deadline - Date.now()));
}

/** One upgraded connection, as the `WebSocketSession` sees it. */
class DenoSocket implements Transport.WebSocketTransport {
  readonly #request: Request;
  readonly #open: Set<DenoSocket>;
  #socket: WebSocket | undefined;

  constructor(request: Request, open: Set<DenoSocket>) {
    this.#request = request;
    this.#open = open;
  }

  accept(options: Transport.AcceptOptions, events: Transport.TransportEvents): Response {
    const { socket, response } = upgrade(this.#request);
    socket.binaryType = "arraybuffer";
    socket.onmessage = ({ data }) =>
      events.message(typeof data === "string" ? data : new Uint8Array(data));
    socket.onerror = () => {}; // a broken connection also fires `close`, which is what we report
    socket.onclose = ({ code, reason }) => {
      this.#open.delete(this);
      events.close(code, reason);
    };
    this.#socket = socket;
    this.#open.add(this);
    for (const [name, value] of options.headers ?? []) response.headers.set(name, value);
    // Set here, not passed to Deno: Deno splits the offer on ", " only, so `a,b` (as the
    // `ws` client sends it) failed; the session already checked it per RFC 6455 (S-WS-13).
    if (options.subprotocol) response.headers.set("sec-websocket-protocol", options.subprotocol);
    return response;
  }

  send(data: Transport.WebSocketMessage): void {
    this.#whenOpen((socket) => socket.send(data as string | Uint8Array<ArrayBuffer>));
  }

  close(code: number, reason: string): void {
    this.#whenOpen((socket) => socket.close(code, reason));
  }

  /** Closes with 1001; resolves when the close handshake is over. */
  goAway(): Promise<unknown> {
    const socket = this.#socket as WebSocket;
    const closed = new Promise((resolve) => socket.addEventListener("close", resolve));
    this.close(1001, "going away");
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
