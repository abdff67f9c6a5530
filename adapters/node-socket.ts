/**
 * WebSocket upgrades for edgelette/node (an internal module): the `ws`
 * socket as an edgelette transport, and refusals written on the raw socket.
 */
import { type IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { HTTPException } from "../src/exceptions.ts";
import type {
  AcceptOptions,
  TransportEvents,
  WebSocketTransport,
} from "../src/websocket/transport.ts";
import { writeResponse } from "./node-http.ts";

/**
 * Reads an upgrade's socket until ws takes it: that is how Node notices a client
 * that leaves (or half-closes) while the endpoint decides. `handOver()` stops and
 * returns the bytes read, for ws, which starts reading in the same tick.
 */
export function watchUntilHandOver(socket: Duplex, head: Buffer): () => Buffer {
  const early = [head];
  const keep = (chunk: Buffer) => early.push(chunk);
  const leave = () => socket.destroy();
  socket.on("data", keep).once("end", leave);
  return () => {
    socket.off("data", keep).off("end", leave);
    return Buffer.concat(early);
  };
}

/** A refused upgrade: Node writes the app's response on the raw socket, then it closes. */
export async function writeDenial(req: IncomingMessage, socket: Duplex, response: Response) {
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
export class NodeSocket implements WebSocketTransport {
  readonly #req: IncomingMessage;
  accepted: AcceptOptions | undefined;
  /** The 101's headers, from the app's answer; set by the server before the handshake. */
  handshake: Headers | undefined;
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
