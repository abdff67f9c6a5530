import { SERVER_ERROR_OBSERVER } from "../context.ts";
import { serverErrorResponse } from "../middleware/unhandled.ts";
import { isWatched } from "../middleware/watch-body.ts";
import type { Fetchable } from "../types.ts";
import {
  type AcceptOptions,
  handshakeHeaders,
  offeredSubprotocols,
  WEBSOCKET_UPGRADER,
} from "../websocket/transport.ts";
import { EventStream, type ReadEventsOptions } from "./events.ts";
import { MemorySocket, TestWebSocket } from "./memory-socket.ts";

export interface TestClientOptions {
  /** Reject with the original error when the app answered an unhandled error with a 500. Default true. */
  raiseServerExceptions?: boolean;
  /** Default `http://testserver`. */
  baseUrl?: string;
  /** Bindings passed as `env`. */
  env?: Record<string, unknown>;
}

export interface WebSocketConnectInit extends RequestInit {
  subprotocols?: readonly string[];
}

/** A WebSocket upgrade the app refused: `response` is what it answered. */
export class WebSocketDenialResponse extends Error {
  readonly response: Response;

  constructor(response: Response) {
    super(`WebSocket upgrade denied with HTTP ${response.status}`);
    this.name = "WebSocketDenialResponse";
    this.response = response;
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

type Target = Fetchable | Fetchable["fetch"];

interface Exchange {
  response: Response;
  errors: unknown[];
}

/**
 * Calls an app in memory, the way `fetch` would call it over the network.
 * @example
 * const client = new TestClient(app);
 * const res = await client.get("/users/1");
 */
export class TestClient {
  readonly #fetch: Fetchable["fetch"];
  readonly #raise: boolean;
  readonly #baseUrl: string;
  readonly #env: Record<string, unknown>;

  constructor(app: Target, options: TestClientOptions = {}) {
    this.#fetch =
      typeof app === "function" ? app : (request, env, ctx) => app.fetch(request, env, ctx);
    this.#raise = options.raiseServerExceptions ?? true;
    this.#baseUrl = options.baseUrl ?? "http://testserver";
    this.#env = options.env ?? {};
  }

  get(path: string, init?: RequestInit) {
    return this.request("GET", path, init);
  }
  head(path: string, init?: RequestInit) {
    return this.request("HEAD", path, init);
  }
  options(path: string, init?: RequestInit) {
    return this.request("OPTIONS", path, init);
  }
  post(path: string, init?: RequestInit) {
    return this.request("POST", path, init);
  }
  put(path: string, init?: RequestInit) {
    return this.request("PUT", path, init);
  }
  patch(path: string, init?: RequestInit) {
    return this.request("PATCH", path, init);
  }
  delete(path: string, init?: RequestInit) {
    return this.request("DELETE", path, init);
  }

  /** One request, following redirects as `init.redirect` says (default `follow`, as `fetch`). */
  async request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    let url = new URL(path, this.#baseUrl);
    let current: RequestInit = { ...init, method };
    const left = new AbortController(); // aborts when the test cancels a streamed body
    for (let hop = 0; ; hop++) {
      const signal = current.signal ?? left.signal;
      const request = new Request(url, { ...current, redirect: "manual", signal });
      const response = await this.#send(request, left);
      const location = response.headers.get("location");
      if (!REDIRECT_STATUSES.has(response.status) || location === null) return response;
      if (init.redirect === "manual") return response;
      if (init.redirect === "error") throw new TypeError(`redirected to ${location}`);
      if (hop >= MAX_REDIRECTS) throw new TypeError("too many redirects");
      url = new URL(location, url);
      current = redirectedInit(current, response.status);
    }
  }

  /**
   * A GET that asks for `text/event-stream` and reads the answer event by
   * event; `close()` (or leaving a `for await`) is the client going away.
   * Rejects with a `TypeError` when the answer is not an event stream.
   * @example for await (const event of await client.events("/events")) …
   */
  async events(path: string, init: RequestInit & ReadEventsOptions = {}): Promise<EventStream> {
    const headers = new Headers(init.headers);
    if (!headers.has("accept")) headers.set("accept", "text/event-stream");
    const response = await this.request("GET", path, { ...init, headers });
    try {
      return new EventStream(response, init);
    } catch (error) {
      await response.body?.cancel();
      throw error;
    }
  }

  /** Opens an in-memory WebSocket; a refusal rejects with `WebSocketDenialResponse`. */
  async websocketConnect(path: string, init: WebSocketConnectInit = {}): Promise<TestWebSocket> {
    const socket = new MemorySocket();
    const headers = new Headers(init.headers);
    headers.set("upgrade", "websocket");
    headers.set("connection", "Upgrade");
    headers.set("sec-websocket-version", "13");
    headers.set("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
    if (init.subprotocols?.length)
      headers.set("sec-websocket-protocol", init.subprotocols.join(", "));
    const request = new Request(new URL(path, this.#baseUrl), { ...init, headers });
    const { response, errors } = await this.#exchange(request, () => socket);
    socket.serverError = () => (this.#raise ? errors[0] : undefined);
    if (socket.accepted) return openedSocket(socket, request, response);
    this.#raiseFirst(errors);
    throw new WebSocketDenialResponse(response);
  }

  async #send(request: Request, left?: AbortController): Promise<Response> {
    const { response, errors } = await this.#exchange(request, undefined, left);
    this.#raiseFirst(errors);
    if (request.method !== "HEAD" || response.body === null) return response;
    await response.body.cancel();
    return new Response(null, response);
  }

  /** Calls the app, then waits for its background work, as a real server would let it run. */
  async #exchange(
    request: Request,
    upgrade: (() => MemorySocket) | undefined,
    left?: AbortController,
  ): Promise<Exchange> {
    const errors: unknown[] = [];
    const pending: Promise<unknown>[] = [];
    const executionCtx = {
      waitUntil: (promise: Promise<unknown>) => pending.push(promise),
      passThroughOnException: () => {},
      [SERVER_ERROR_OBSERVER]: (error: unknown) => errors.push(error),
      [WEBSOCKET_UPGRADER]: upgrade,
    };
    const response = await this.#call(request, executionCtx);
    if (isWatched(response)) {
      // A streamed body is handed over at once and read as it comes, like fetch's.
      const before = errors.slice(); // raised at once; later ones when the body ends
      return { response: this.#streamed(response, pending, errors, left), errors: before };
    }
    await drain(pending);
    return { response, errors };
  }

  /**
   * The body passed through as the test reads it, nothing read ahead. Its end
   * waits for the app's background work (which starts when the stream ended),
   * then fails with the first unhandled error if `raiseServerExceptions`.
   * Cancelling it is the client leaving: the request's signal aborts.
   */
  #streamed(
    response: Response,
    pending: Promise<unknown>[],
    errors: unknown[],
    left: AbortController | undefined,
  ): Response {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const raise = this.#raise;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch (error) {
            await drain(pending);
            return controller.error(raise && errors.length > 0 ? errors[0] : error);
          }
          if (!chunk.done) return controller.enqueue(chunk.value);
          await drain(pending);
          if (raise && errors.length > 0) controller.error(errors[0]);
          else controller.close();
        },
        cancel(reason) {
          left?.abort(reason);
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, response);
  }

  /**
   * An edgelette app answers its own errors; a plain function may throw or
   * reject. Then a server would answer 500, and so does the test client when
   * asked not to raise (S-TC-1).
   */
  async #call(request: Request, executionCtx: unknown): Promise<Response> {
    try {
      return await this.#fetch(request, this.#env, executionCtx);
    } catch (error) {
      if (this.#raise) throw error;
      return serverErrorResponse();
    }
  }

  #raiseFirst(errors: unknown[]): void {
    if (this.#raise && errors.length > 0) throw errors[0];
  }
}

/** Waits for every pending promise, including ones added while waiting. */
async function drain(pending: Promise<unknown>[]): Promise<void> {
  while (pending.length > 0) await Promise.allSettled(pending.splice(0));
}

/**
 * The client side of the handshake, as `ws` and browsers check it: an offer
 * of subprotocols answered with none fails the connection (S-TC-2), and the
 * endpoint sees the connection drop (1006).
 */
function openedSocket(socket: MemorySocket, request: Request, response: Response): TestWebSocket {
  const accepted = socket.accepted as AcceptOptions;
  const offered = offeredSubprotocols(request);
  if (offered.length > 0 && accepted.subprotocol === undefined) {
    socket.dropFromClient();
    throw new Error(
      `WebSocket handshake failed: the client offered subprotocols (${offered.join(", ")}) ` +
        "and the endpoint accepted none, which real clients refuse; " +
        "pass { subprotocol } to ws.accept()",
    );
  }
  return new TestWebSocket(socket, handshakeHeaders(response, accepted));
}

/** What `fetch` sends after a redirect: 303 (and 301/302 after POST) become a GET without a body. */
function redirectedInit(init: RequestInit, status: number): RequestInit {
  const method = (init.method ?? "GET").toUpperCase();
  if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
    const headers = new Headers(init.headers);
    headers.delete("content-type");
    headers.delete("content-length");
    return { ...init, method: method === "HEAD" ? "HEAD" : "GET", body: undefined, headers };
  }
  return init;
}
