/**
 * edgelette on Cloudflare Workers. `export default app` already serves HTTP;
 * `worker(app)` adds WebSockets over `WebSocketPair`. Settings come from the
 * env bindings: `config(env)`.
 * @example
 * import { worker } from "edgelette/cloudflare";
 * export default worker(app);
 */
import { Config } from "../src/config.ts";
import { HTTPException } from "../src/exceptions.ts";
import { isSendableCloseCode } from "../src/status.ts";
import {
  type AcceptOptions,
  isValidHandshake,
  type TransportEvents,
  WEBSOCKET_UPGRADER,
  type WebSocketMessage,
  type WebSocketTransport,
} from "../src/websocket/transport.ts";

// The slice of the Workers types used here, so `tsc` needs no Workers types
// (they clash with DOM and Node's). Structurally compatible with
// `@cloudflare/workers-types`.
interface WorkerSocket {
  binaryType: string;
  accept(): void;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(
    type: "close",
    listener: (event: { code: number; reason: string; wasClean: boolean }) => void,
  ): void;
  addEventListener(type: "error", listener: () => void): void;
}
declare const WebSocketPair: new () => { 0: WorkerSocket; 1: WorkerSocket };

/** The part of Workers' `ExecutionContext` the adapter passes on. */
export interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
  readonly props?: unknown;
}

/** What `worker()` returns: a Workers module handler (`ExportedHandler`). */
export interface ExportedHandler<Env = unknown> {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response>;
}

interface AppLike {
  fetch(request: Request, env?: unknown, executionCtx?: unknown): Response | Promise<Response>;
}

/** Settings from the Worker's env bindings (`vars`, secrets). Takes an `interface Env` as is. */
export function config(env: object): Config {
  return new Config(env as Record<string, unknown>);
}

/** Wraps `app` as a Workers handler with WebSocket support. */
export function worker<Env = unknown>(app: AppLike): ExportedHandler<Env> {
  return {
    fetch: async (request, env, ctx) => {
      const response = await app.fetch(request, env, withWebSockets(ctx));
      // Only a refusal: a success may still stream the request body (an echo, a proxy).
      if (response.status >= 400) await discardUnread(request);
      return response;
    },
  };
}

/** Past this, an unread body is not worth reading: workerd may close that one connection. */
const MAX_DRAIN_BYTES = 1024 * 1024;

/**
 * A request body the app answered without reading (a 413 or 415 from its
 * headers) is read to its end before the answer goes out, up to 1 MiB:
 * workerd otherwise closes the keep-alive connection once the answer is sent,
 * without saying so (it drops a Worker's `Connection: close`), and the
 * client's next request on it fails. A longer body, declared or chunked, is
 * left (the answer goes out at once, and workerd closes that connection).
 */
async function discardUnread(request: Request): Promise<void> {
  const { body } = request;
  if (body === null || request.bodyUsed || body.locked) return;
  if (Number(request.headers.get("content-length")) > MAX_DRAIN_BYTES) return;
  let left = MAX_DRAIN_BYTES;
  const sink = new WritableStream<Uint8Array>({
    write(chunk) {
      left -= chunk.byteLength;
      if (left < 0) throw new RangeError("too long to drain"); // pipeTo cancels the body
    },
  });
  await body.pipeTo(sink).catch(() => {});
}

/** The real context's methods, called on the real context (workerd rejects any other `this`). */
function withWebSockets(ctx: ExecutionContext) {
  return {
    waitUntil: (promise: Promise<unknown>) => ctx.waitUntil(promise),
    passThroughOnException: () => ctx.passThroughOnException(),
    props: ctx.props,
    [WEBSOCKET_UPGRADER]: (request: Request) => new PairSocket(request),
  };
}

/** The server end of a `WebSocketPair`; the client end goes back in the 101 response. */
class PairSocket implements WebSocketTransport {
  readonly #client: WorkerSocket;
  readonly #server: WorkerSocket;
  #closeSent = false;

  constructor(readonly request: Request) {
    const pair = new WebSocketPair();
    this.#client = pair[0];
    this.#server = pair[1];
  }

  accept(options: AcceptOptions, events: TransportEvents): Response {
    if (cannotComplete(this.request)) {
      throw new HTTPException(400, "invalid WebSocket upgrade request");
    }
    const server = this.#server;
    // Recent compatibility dates deliver binary messages as `Blob`; the session wants bytes now.
    server.binaryType = "arraybuffer";
    server.accept(); // sends are buffered by workerd until the client end is connected
    server.addEventListener("message", ({ data }) => events.message(toMessage(data)));
    server.addEventListener("close", (event) => {
      const [code, reason] = receivedClose(event);
      this.#reciprocate(code, reason);
      events.close(code, reason);
    });
    server.addEventListener("error", () => events.close(1006, ""));
    const headers = new Headers(options.headers);
    if (options.subprotocol) headers.set("Sec-WebSocket-Protocol", options.subprotocol);
    const init = { status: 101, webSocket: this.#client, headers };
    return new Response(null, init as ResponseInit);
  }

  send(data: WebSocketMessage): boolean {
    this.#server.send(data); // workerd queues without limit and exposes no buffered amount
    return true;
  }

  close(code: number, reason: string): void {
    if (this.#closeSent) return;
    this.#closeSent = true;
    this.#server.close(code, reason);
  }

  /** Answers the client's close frame, so it sees its own code, never 1006. */
  #reciprocate(code: number, reason: string): void {
    if (this.#closeSent) return;
    this.#closeSent = true;
    try {
      // 1005 means "no code given" and may not be sent: answer with an empty close frame.
      if (code === 1005 || code === 1006) this.#server.close();
      else this.#server.close(code, reason);
    } catch {
      // The socket is already gone (it failed, or workerd answered itself): nothing to answer.
    }
  }
}

/**
 * A client's HTTP/1.1 upgrade (it says `Connection: upgrade`) is completed by
 * workerd's HTTP server, which answers a handshake without a valid key and
 * version 13 with a 400 of its own after the app accepted, and never closes
 * the pair's server end: the endpoint would wait forever. An upgrade made in
 * code (a Durable Object stub, a service binding, a test) carries no
 * handshake, and workerd completes it without one.
 */
function cannotComplete(request: Request): boolean {
  const overHttp = /\bupgrade\b/i.test(request.headers.get("connection") ?? "");
  return overHttp && !isValidHandshake(request);
}

/**
 * workerd passes on any code a client's close frame carries: 999, 5000, a
 * 1006 in a frame (wasClean), a 1005 with a reason. RFC 6455 makes those a
 * protocol error, and Node, Deno and Bun answer 1002: so does this adapter,
 * and the endpoint sees 1002. A dropped connection (not clean) is 1006, "".
 */
function receivedClose(event: { code: number; reason: string; wasClean: boolean }) {
  const { code, reason, wasClean } = event;
  if (isSendableCloseCode(code) || (code === 1005 && reason === "")) return [code, reason] as const;
  // workerd words a drop ("…without sending Close frame"); the seam promises an empty reason.
  if (code === 1006 && !wasClean) return [1006, ""] as const;
  return [1002, ""] as const;
}

function toMessage(data: unknown): WebSocketMessage {
  return typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer);
}

// Durable Object rooms on the Hibernation API (S-WS-11).
export {
  type BroadcastOptions,
  type HibernatableSocket,
  type RoomAcceptInit,
  type RoomContext,
  type RoomMessage,
  type RoomOptions,
  RoomSocket,
  WebSocketRoom,
} from "./cloudflare-rooms.ts";
