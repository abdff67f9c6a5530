/**
 * Node's HTTP messages as fetch's and back, for edgelette/node (an internal
 * module): `IncomingMessage` → `Request`, `Response` → `ServerResponse`.
 * Node 20's undici classes are slow, so the hot path skips what a request
 * seldom needs: an AbortSignal, a body stream for GET, and for a body
 * edgelette built from a string, its stream (the string is written as is).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Duplex, Readable } from "node:stream";
import { isBuffered, unreadText } from "../src/buffered-response.ts";

/**
 * Whether the client left before its response was complete, as an
 * AbortSignal made on first use: following a signal costs a Node 20
 * `Request` about 20 µs, and most endpoints never read it. `closed` settles
 * once the stream closed, either way: the one `close` listener serves both
 * (Node's `events.once` cost about 5 µs of server CPU per request).
 */
export class ClientWatch {
  #left = false;
  #controller: AbortController | undefined;
  readonly closed: Promise<void>;

  constructor(stream: ServerResponse | Duplex) {
    this.closed = new Promise((resolve) => {
      stream.once("close", () => {
        if (!stream.writableFinished) this.#leave();
        resolve();
      });
    });
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#left) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  #leave(): void {
    this.#left = true;
    this.#controller?.abort();
  }
}

/**
 * A `Request` whose `signal` is the client's, made when read. undici's own
 * signal never aborts, so copies must take this one: `new Request(url, request)`
 * and `clone()` do; `new Request(request)` reads undici's and does not.
 */
class NodeRequest extends Request {
  readonly #client: ClientWatch;

  constructor(url: string, init: RequestInit, client: ClientWatch) {
    super(url, init);
    this.#client = client;
  }

  override get signal(): AbortSignal {
    return this.#client.signal;
  }

  override clone(): Request {
    return new Request(super.clone(), { signal: this.signal });
  }
}

/** The fetch `Request` for Node's request (repeated headers kept, body streamed); undefined if malformed. */
export function toRequest(req: IncomingMessage, client: ClientWatch): Request | undefined {
  const { method = "GET", url = "/", rawHeaders } = req;
  const headers: [string, string][] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) headers.push([rawHeaders[i], rawHeaders[i + 1]]);
  const host = req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`;
  const href = url.startsWith("/") ? `http://${host}${url}` : url; // or absolute-form, from a proxy
  const body = method === "GET" || method === "HEAD" ? null : Readable.toWeb(req);
  try {
    return new NodeRequest(href, { method, headers, body, duplex: "half" } as RequestInit, client);
  } catch {
    return undefined; // a Host or header value that fetch refuses
  }
}

/** The most of an unread request body drained to keep its connection; past it, the connection closes. */
const MAX_DRAIN_BYTES = 1024 * 1024;

/**
 * Once the app answered, a request body it left unread (a 413 from its
 * declared length, an answer that never looked) is read and dropped, as
 * `node:http` does for a handler that never touched it: otherwise the next
 * request on the keep-alive connection waits behind it. A body declared
 * larger than 1 MiB is not worth reading: the answer says `Connection: close`.
 * A body still being read by a streamed answer is left alone.
 */
export function discardUnread(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || req.destroyed) return;
  if (Number(req.headers["content-length"] ?? 0) > MAX_DRAIN_BYTES) {
    res.shouldKeepAlive = false;
    return;
  }
  res.once("finish", () => {
    if (req.complete || req.destroyed) return;
    req.removeAllListeners("data"); // the fetch body's reader, which paused the stream
    req.resume();
  });
}

/**
 * Writes `response` on `res`, headers in one `writeHead`. A body edgelette
 * built from a string goes out in one write with its Content-Length, and
 * unread it is sent as the string it was built from; any other body is streamed.
 */
export async function writeResponse(res: ServerResponse, response: Response, method = "GET") {
  const reason = response.statusText || undefined;
  const text = unreadText(response);
  if (text !== undefined) return writeText(res, response, text, method);
  if (method === "HEAD" || response.body === null) {
    await response.body?.cancel();
    // A HEAD answer stands for a GET's headers; 204 and 304 never carry a length.
    const bodiless = method === "HEAD" || response.status === 204 || response.status === 304;
    const lines = headerLines(response.headers, bodiless ? undefined : 0);
    return void res.writeHead(response.status, reason, lines).end();
  }
  if (isBuffered(response)) {
    const bytes = await readAll(response.body.getReader());
    res.writeHead(response.status, reason, headerLines(response.headers, bytes.byteLength));
    return void res.end(bytes);
  }
  res.writeHead(response.status, reason, headerLines(response.headers));
  await writeBody(res, response.body.getReader());
}

/** An edgelette response whose body nobody read: its text, without its body stream. */
function writeText(res: ServerResponse, response: Response, text: string | null, method: string) {
  const { status } = response;
  // As for any body below: HEAD, 204 and 304 say no length, other empty bodies say 0.
  const bodiless = method === "HEAD" || status === 204 || status === 304;
  const length = bodiless ? undefined : text === null ? 0 : Buffer.byteLength(text);
  res.writeHead(status, response.statusText || undefined, headerLines(response.headers, length));
  res.end(method === "HEAD" ? undefined : (text ?? undefined));
}

/** Node's flat `[name, value, …]` list: each Set-Cookie stays its own line. */
function headerLines(headers: Headers, contentLength?: number): string[] {
  const lines: string[] = [];
  for (const [name, value] of headers) {
    if (contentLength === undefined || name !== "content-length") lines.push(name, value);
  }
  if (contentLength !== undefined) lines.push("content-length", String(contentLength));
  return lines;
}

/** The whole body; a reader loop costs Node 20 less than `arrayBuffer()`. */
async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    chunks.push(chunk.value);
  }
  const [only] = chunks;
  if (chunks.length !== 1) return Buffer.concat(chunks);
  return Buffer.from(only.buffer, only.byteOffset, only.byteLength); // no copy
}

async function writeBody(res: ServerResponse, reader: ReadableStreamDefaultReader<Uint8Array>) {
  // Headers leave with the first chunk, or on the next turn if it is slow (server-sent events).
  const flush = setImmediate(() => res.flushHeaders());
  const stop = () => reader.cancel().catch(() => {}); // the client left: stop producing
  res.once("close", stop);
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      clearImmediate(flush);
      if (res.destroyed) return void stop(); // it left before we listened
      if (!res.write(chunk.value)) await drained(res);
    }
    res.end();
  } catch {
    // S-REP-2: a clean end would tell the client the body was complete. What
    // was written goes out first (an SSE error event), then the socket closes
    // without the last chunk; a bare destroy() would drop writes still corked.
    res.socket?.destroySoon();
  } finally {
    clearImmediate(flush);
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
