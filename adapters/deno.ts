/**
 * edgelette on Deno: `serve(app)` over `Deno.serve`, WebSockets over
 * `Deno.upgradeWebSocket`, settings from `Deno.env`.
 * @example
 * import { serve } from "edgelette/deno";
 * const server = await serve(app, { port: 8000 });
 */
import { Config } from "../src/config.ts";
import {
  createExecutionContext,
  PendingWork,
  type ServeOptions,
  type ServerHandle,
} from "../src/server/execution-context.ts";
import type {
  AcceptOptions,
  TransportEvents,
  WebSocketMessage,
  WebSocketTransport,
} from "../src/websocket/transport.ts";

export type { ServeOptions, ServerHandle };

// The slice of the Deno namespace used here, so `tsc` needs no Deno types.
interface DenoHttpServer {
  readonly addr: { hostname: string; port: number };
  shutdown(): Promise<void>;
}
declare const Deno: {
  serve(
    options: { hostname: string; port: number; onListen(addr: unknown): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): DenoHttpServer;
  upgradeWebSocket(
    request: Request,
    options: { protocol?: string },
  ): { socket: WebSocket; response: Response };
  env: { get(key: string): string | undefined };
};

interface AppLike {
  fetch(request: Request, env?: unknown, executionCtx?: unknown): Response | Promise<Response>;
}

/** Settings from the process environment (needs `--allow-env`). */
export function config(): Config {
  return new Config((key) => Deno.env.get(key));
}

/** Serves `app` until `close()` (or `options.signal`); resolves once listening. */
export async function serve(app: AppLike, options: ServeOptions = {}): Promise<ServerHandle> {
  const work = new PendingWork(options.onError);
  const sockets = new Set<DenoSocket>();
  const upgrader = (request: Request) => new DenoSocket(request, sockets);
  const server = Deno.serve(
    { hostname: options.hostname ?? "127.0.0.1", port: options.port ?? 8000, onListen() {} },
    (request) => app.fetch(request, options.env, createExecutionContext(work, upgrader)),
  );
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= shutdown(server, sockets, work, options.shutdownTimeout ?? 10_000);
    return closing;
  };
  options.signal?.addEventListener("abort", close, { once: true });
  if (options.signal?.aborted) await close();
  const { hostname, port } = server.addr;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return { url: new URL(`http://${host}:${port}/`), hostname, port, close };
}

// 1. Stop accepting; open sockets are told the server is going away.
// 2. In-flight requests, then background work, finish within one deadline.
async function shutdown(
  server: DenoHttpServer,
  sockets: Set<DenoSocket>,
  work: PendingWork,
  timeout: number,
): Promise<void> {
  const deadline = Date.now() + timeout;
  const stopped = server.shutdown();
  for (const socket of sockets) socket.close(1001, "going away");
  await settleWithin(stopped, timeout);
  await work.drain(Math.max(0, deadline - Date.now()));
}

/** Waits for `promise`, but no longer than `ms`; the timer never outlives the wait. */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** One upgraded connection. Deno opens the socket after the 101 goes out, so early sends wait. */
class DenoSocket implements WebSocketTransport {
  readonly #request: Request;
  readonly #open: Set<DenoSocket>;
  #socket: WebSocket | undefined;
  #pending: Array<() => void> | undefined = [];

  constructor(request: Request, open: Set<DenoSocket>) {
    this.#request = request;
    this.#open = open;
  }

  accept(options: AcceptOptions, events: TransportEvents): Response {
    const upgrade = Deno.upgradeWebSocket(this.#request, { protocol: options.subprotocol });
    const socket = upgrade.socket;
    socket.binaryType = "arraybuffer";
    socket.onopen = () => this.#flush();
    socket.onmessage = ({ data }) =>
      events.message(typeof data === "string" ? data : new Uint8Array(data));
    socket.onerror = () => {}; // a broken connection also fires `close`, which is what we report
    socket.onclose = ({ code, reason }) => {
      this.#open.delete(this);
      events.close(code, reason);
    };
    this.#socket = socket;
    this.#open.add(this);
    for (const [name, value] of options.headers ?? []) upgrade.response.headers.set(name, value);
    return upgrade.response;
  }

  send(data: WebSocketMessage): void {
    this.#whenOpen((socket) => socket.send(data));
  }

  close(code: number, reason: string): void {
    this.#whenOpen((socket) => socket.close(code, reason));
  }

  /** Acts now if the socket is open, later if it is opening; once closing, there is nothing to do. */
  #whenOpen(act: (socket: WebSocket) => void): void {
    const socket = this.#socket as WebSocket;
    const actIfOpen = () => {
      if (socket.readyState === WebSocket.OPEN) act(socket);
    };
    if (this.#pending) this.#pending.push(actIfOpen);
    else actIfOpen();
  }

  #flush(): void {
    const pending = this.#pending ?? [];
    this.#pending = undefined;
    for (const act of pending) act();
  }
}
