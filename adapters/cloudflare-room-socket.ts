/**
 * One member of a `WebSocketRoom`: the session API of `WebSocketSession`
 * (accept, send*, close, state) over a socket that the Durable Object's
 * Hibernation API owns. Nothing here lives only in memory: the upgrade URL
 * and the user's state ride in the socket's attachment, so a socket read back
 * after hibernation is the same member.
 */
import { WebSocketDisconnect } from "../src/exceptions.ts";
import { assertSendableClose } from "../src/websocket/close-frame.ts";

// The slices of the Workers types used here, so `tsc` needs no Workers types
// (they clash with DOM and Node's). Structurally compatible with `@cloudflare/workers-types`.

/** A server-side socket accepted with `ctx.acceptWebSocket`. */
export interface HibernatableSocket {
  readonly readyState: number;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  serializeAttachment(value: unknown): void;
  deserializeAttachment(): unknown;
}
declare const WebSocketPair: new () => {
  0: HibernatableSocket;
  1: HibernatableSocket & { accept(): void };
};

/** Hands a server socket to the Hibernation API (`ctx.acceptWebSocket`). */
export type AcceptWebSocket = (socket: HibernatableSocket, tags: string[]) => void;

export interface RoomAcceptInit {
  /** One of the subprotocols the client offered. */
  subprotocol?: string;
  headers?: HeadersInit;
  /** Labels for `room.sockets(tag)` and `room.broadcast(data, { tag })` (at most 10, Workers' limit). */
  tags?: string[];
}

/** What survives hibernation with the socket. */
interface Attachment<State> {
  url: string;
  state: State | undefined;
}

type Phase = "connecting" | "open" | "closed";

const OPEN = 1;

function offeredSubprotocols(request: Request): string[] {
  const offered = request.headers.get("sec-websocket-protocol") ?? "";
  return offered
    .split(",")
    .map((each) => each.trim())
    .filter(Boolean);
}

/**
 * A socket in a room. `onConnect` gets it "connecting" and must `accept()`;
 * the other hooks get it "open".
 */
export class RoomSocket<State = unknown> {
  #socket: HibernatableSocket | undefined;
  #phase: Phase;
  #attachment: Attachment<State> | undefined;
  #request: Request | undefined;
  #response: Response | undefined;
  #disconnect: WebSocketDisconnect | undefined;
  readonly #acceptWebSocket: AcceptWebSocket | undefined;

  private constructor(phase: Phase, socket?: HibernatableSocket, accept?: AcceptWebSocket) {
    this.#phase = phase;
    this.#socket = socket;
    this.#acceptWebSocket = accept;
  }

  /** @internal A socket being upgraded, for `onConnect`. */
  static connecting<State>(request: Request, accept: AcceptWebSocket): RoomSocket<State> {
    const ws = new RoomSocket<State>("connecting", undefined, accept);
    ws.#request = request;
    ws.#attachment = { url: request.url, state: undefined };
    return ws;
  }

  /** @internal A socket the Hibernation API handed back (possibly after hibernating). */
  static accepted<State>(socket: HibernatableSocket): RoomSocket<State> {
    const ws = new RoomSocket<State>("open", socket);
    if (socket.readyState !== OPEN) ws.markClosed(1006, "");
    return ws;
  }

  /** "connecting" in `onConnect` until `accept()`, "open" after, "closed" once either side closed. */
  get phase(): Phase {
    return this.#phase;
  }

  /** The upgrade request; after hibernation, rebuilt from its URL (headers are not kept). */
  get request(): Request {
    this.#request ??= new Request(this.#read().url);
    return this.#request;
  }

  /** What `setState` stored last: survives hibernation. */
  get state(): State | undefined {
    return this.#read().state;
  }

  /** @internal The response `fetch` returns for this upgrade, once accepted. */
  get response(): Response | undefined {
    return this.#response;
  }

  /** @internal The underlying socket, once accepted. */
  get socket(): HibernatableSocket | undefined {
    return this.#socket;
  }

  /** Completes the handshake and hands the socket to the Hibernation API. Once, in `onConnect`. */
  accept(init: RoomAcceptInit = {}): void {
    if (this.#phase !== "connecting" || !this.#acceptWebSocket) {
      throw new Error("WebSocket accept() may be called only once, in onConnect");
    }
    const offered = offeredSubprotocols(this.request);
    const { subprotocol } = init;
    if (subprotocol !== undefined && !offered.includes(subprotocol)) {
      throw new Error(
        `WebSocket subprotocol "${subprotocol}" was not offered by the client ` +
          `(offered: ${offered.join(", ") || "none"})`,
      );
    }
    const pair = new WebSocketPair();
    this.#acceptWebSocket(pair[1], init.tags ?? []);
    pair[1].serializeAttachment(this.#attachment);
    this.#socket = pair[1];
    this.#phase = "open";
    const headers = new Headers(init.headers);
    if (subprotocol) headers.set("Sec-WebSocket-Protocol", subprotocol);
    this.#response = new Response(null, {
      status: 101,
      webSocket: pair[0],
      headers,
    } as ResponseInit);
  }

  /**
   * Stores `state` with the socket, where it survives hibernation. It must be
   * structured-cloneable and small: Workers limits an attachment to 16 KiB.
   */
  setState(state: State): void {
    const socket = this.#socket;
    if (!socket)
      throw new Error("call ws.accept() before ws.setState(): the state lives on the socket");
    const attachment = { url: this.#read().url, state };
    try {
      socket.serializeAttachment(attachment);
    } catch (cause) {
      throw new TypeError(
        "ws.setState() needs a structured-cloneable value of at most 16 KiB serialized " +
          `(a Durable Object WebSocket attachment): ${(cause as Error).message}`,
        { cause },
      );
    }
    this.#attachment = attachment;
  }

  sendText(text: string): void {
    this.#send(String(text));
  }

  sendBytes(data: Uint8Array | ArrayBuffer): void {
    this.#send(data);
  }

  sendJson(value: unknown): void {
    this.#send(JSON.stringify(value));
  }

  /** Closes the socket. In `onConnect` before `accept()`, accepts first so the client sees the code. Twice is a no-op. */
  close(code = 1000, reason = ""): void {
    if (this.#phase === "closed") return;
    assertSendableClose(code, reason);
    if (this.#phase === "connecting") {
      this.#refuse(code, reason);
      return;
    }
    this.#phase = "closed";
    try {
      this.#socket?.close(code, reason);
    } catch {
      // The connection is already gone: there is nobody left to tell.
    }
  }

  /**
   * A refusal in `onConnect`: a plain pair, accepted and closed at once, so the
   * client sees the code. Handed to `acceptWebSocket` first, the close reached
   * the client only after ~10 s, and the room would have held a dead member.
   */
  #refuse(code: number, reason: string): void {
    const pair = new WebSocketPair();
    pair[1].accept();
    pair[1].close(code, reason);
    this.#phase = "closed";
    this.#response = new Response(null, { status: 101, webSocket: pair[0] } as ResponseInit);
  }

  /** @internal The client closed (or the connection dropped): sends now raise the disconnect. */
  markClosed(code: number, reason: string): void {
    this.#phase = "closed";
    this.#disconnect ??= new WebSocketDisconnect(code, reason);
  }

  #send(data: string | Uint8Array | ArrayBuffer): void {
    if (this.#phase === "connecting") {
      throw new Error("WebSocket must be accepted before sending: call ws.accept() first");
    }
    // Sending to a member that just left is a race a room cannot avoid: the disconnect ends
    // the hook quietly. After the room's own close it is a bug.
    if (this.#disconnect) throw this.#disconnect;
    if (this.#phase === "closed")
      throw new Error("cannot send on a WebSocket the room already closed");
    (this.#socket as HibernatableSocket).send(data);
  }

  #read(): Attachment<State> {
    this.#attachment ??= this.#socket?.deserializeAttachment() as Attachment<State> | undefined;
    return this.#attachment ?? { url: "http://room.invalid/", state: undefined };
  }
}
