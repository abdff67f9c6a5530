import { InvalidWebSocketMessage, type WebSocketDisconnect } from "../exceptions.ts";
import { assertSchema, type OutputOf, type Schema, validate } from "../validation/validate.ts";
import {
  BUFFER_FULL,
  BUFFER_FULL_GRACE_MS,
  DEFAULT_DRAIN_LEVEL,
  DEFAULT_MAX_BUFFERED_AMOUNT,
  fitsIn,
  waitForDrain,
} from "./backpressure.ts";
import { assertSendableClose } from "./close-frame.ts";
import { Inbox, MessageLoop } from "./inbox.ts";
import {
  offeredSubprotocols,
  type TransportEvents,
  type WebSocketMessage,
  type WebSocketTransport,
} from "./transport.ts";

export interface WebSocketLimits {
  /** Largest message accepted, in bytes; a larger one closes the socket with 1009. Default 1 MiB. */
  maxMessageSize?: number;
  /** Close with 1001 after this many milliseconds without a message from the client. Off by default. */
  idleTimeout?: number;
  /**
   * Most bytes that may wait to go out to a client that does not read; a send
   * past it closes the socket with 1008 "send buffer full" and throws the
   * disconnect instead. Default 16 MiB. Not enforceable on workerd (no signal).
   */
  maxBufferedAmount?: number;
}

export interface AcceptInit {
  /** One of the subprotocols the client offered. */
  subprotocol?: string;
  headers?: HeadersInit;
}

type Phase = "connecting" | "open" | "closed";

/** Who ended the connection: the endpoint itself, or something it did not choose (client, limits). */
type Closer = "endpoint" | "peer";

const DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;
const decoder = new TextDecoder();

function notAccepted(doing: "receiving" | "sending"): Error {
  return new Error(`WebSocket must be accepted before ${doing}: call ws.accept() first`);
}

function toBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

/**
 * What a WebSocket endpoint receives: Starlette's session API over any runtime.
 * @example
 * async (ws) => { ws.accept(); for await (const m of ws) ws.sendText(`echo ${m}`); }
 */
export class WebSocketSession {
  readonly request: Request;
  /** Free space for the endpoint and its handlers. */
  readonly state: Record<string, unknown> = {};
  readonly #transport: WebSocketTransport;
  readonly #inbox = new Inbox();
  readonly #maxMessageSize: number;
  readonly #idleTimeout: number | undefined;
  readonly #maxBufferedAmount: number;
  readonly #onError: (error: unknown) => void;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #cutTimer: ReturnType<typeof setTimeout> | undefined;
  #phase: Phase = "connecting";
  #closedBy: Closer | undefined;
  #response: Response | undefined;
  #accepted!: (response: Response) => void;
  /** @internal Resolves with the upgrade response once `accept()` (or a close) happens. */
  readonly accepted: Promise<Response>;

  /** `onError` receives failures nobody awaits: the transport failing to close on a limit. */
  constructor(
    request: Request,
    transport: WebSocketTransport,
    limits: WebSocketLimits = {},
    onError: (error: unknown) => void = (error) => console.error("edgelette:", error),
  ) {
    this.request = request;
    this.#transport = transport;
    this.#onError = onError;
    this.#maxMessageSize = limits.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.#idleTimeout = limits.idleTimeout;
    this.#maxBufferedAmount = limits.maxBufferedAmount ?? DEFAULT_MAX_BUFFERED_AMOUNT;
    this.accepted = new Promise((resolve) => {
      this.#accepted = resolve;
    });
  }

  /** The subprotocols the client offered, in its order. */
  get subprotocols(): string[] {
    return offeredSubprotocols(this.request);
  }

  /** "connecting" before accept, "open" after, "closed" once either side closed. */
  get phase(): Phase {
    return this.#phase;
  }

  /** @internal The first close, from either side (its code and reason); undefined while open. */
  get closedWith(): WebSocketDisconnect | undefined {
    return this.#inbox.disconnected;
  }

  /** @internal The response the fetch handler returns for this upgrade. */
  get response(): Response | undefined {
    return this.#response;
  }

  /** Completes the handshake. Call once, before any receive or send. */
  accept(init: AcceptInit = {}): void {
    if (this.#phase !== "connecting") throw new Error("WebSocket accept() may be called only once");
    const { subprotocol } = init;
    if (subprotocol !== undefined && !this.subprotocols.includes(subprotocol)) {
      throw new Error(
        `WebSocket subprotocol "${subprotocol}" was not offered by the client ` +
          `(offered: ${this.subprotocols.join(", ") || "none"})`,
      );
    }
    const headers = new Headers(init.headers);
    // Open before the transport answers: it may deliver messages, or a close, synchronously.
    this.#phase = "open";
    try {
      this.#response = this.#transport.accept({ subprotocol, headers }, this.#events());
    } catch (error) {
      this.#phase = "connecting";
      throw error;
    }
    if (this.#phase === "open") this.#touch();
    this.#accepted(this.#response);
  }

  /** The next text message; a binary one rejects with `InvalidWebSocketMessage` (1003). */
  async receiveText(): Promise<string> {
    const message = await this.#receive();
    if (typeof message !== "string") throw new InvalidWebSocketMessage(1003, "expected text");
    return message;
  }

  /** The next binary message; a text one rejects with `InvalidWebSocketMessage` (1003). */
  async receiveBytes(): Promise<Uint8Array> {
    const message = await this.#receive();
    if (typeof message === "string") throw new InvalidWebSocketMessage(1003, "expected binary");
    return message;
  }

  /**
   * A text or binary message parsed as JSON. Invalid JSON rejects with
   * `InvalidWebSocketMessage` (1007): caught, the socket stays open (S-WS-7).
   */
  async receiveJson(): Promise<unknown>;
  /**
   * The message parsed (1007 as above), then validated by `schema` (any Standard
   * Schema): its output, or a `ValidationError` (422) that closes 4422 if the
   * endpoint lets it through (S-WS-3); caught, the socket stays open.
   */
  async receiveJson<S extends Schema>(schema: S): Promise<OutputOf<S>>;
  async receiveJson(schema?: Schema): Promise<unknown> {
    if (schema !== undefined) assertSchema(schema, "receiveJson(schema)"); // before a message is taken
    const value = await this.#receiveJsonValue();
    return schema === undefined ? value : validate(schema, value, "message");
  }

  async #receiveJsonValue(): Promise<unknown> {
    const message = await this.#receive();
    const text = typeof message === "string" ? message : decoder.decode(message);
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new InvalidWebSocketMessage(1007, "message is not valid JSON", { cause });
    }
  }

  sendText(text: string): void {
    this.#send(String(text));
  }

  sendBytes(data: Uint8Array | ArrayBuffer): void {
    this.#send(toBytes(data));
  }

  sendJson(value: unknown): void {
    this.#send(JSON.stringify(value));
  }

  /** Bytes sent but not yet handed to the network; 0 where the runtime cannot tell (workerd). */
  get bufferedAmount(): number {
    return this.#phase === "connecting" ? 0 : (this.#transport.bufferedAmount?.() ?? 0);
  }

  /**
   * Resolves once at most `level` bytes wait to go out: await it between sends
   * to a slow client. Rejects with the disconnect if the client leaves first.
   * @example for (const chunk of chunks) { ws.sendBytes(chunk); await ws.drained(); }
   */
  async drained(level = DEFAULT_DRAIN_LEVEL): Promise<void> {
    await waitForDrain(
      () => this.bufferedAmount,
      level,
      () => this.#phase !== "open",
    );
    if (this.#phase === "closed" && this.#closedBy === "peer") throw this.#inbox.disconnected;
  }

  /**
   * Closes the socket. Before `accept()` the handshake is completed first, so
   * the client sees the code. Closing twice does nothing.
   */
  close(code = 1000, reason = ""): void {
    if (this.#phase === "closed") return;
    assertSendableClose(code, reason);
    this.#shutDown(code, reason, "endpoint");
  }

  /** Messages until the client disconnects; the loop then ends quietly. */
  [Symbol.asyncIterator](): AsyncGenerator<WebSocketMessage, void, undefined> {
    return new MessageLoop(() => {
      if (this.#phase === "connecting") throw notAccepted("receiving");
      return this.#inbox.step();
    });
  }

  #receive(): Promise<WebSocketMessage> {
    if (this.#phase === "connecting") return Promise.reject(notAccepted("receiving"));
    return this.#inbox.next();
  }

  // Sending after the client left is a race the endpoint cannot avoid, so it
  // raises the disconnect (ended quietly); after the endpoint's own close it is a bug.
  #send(data: WebSocketMessage): void {
    if (this.#phase === "connecting") throw notAccepted("sending");
    if (this.#phase === "closed") {
      const disconnect = this.#inbox.disconnected as WebSocketDisconnect;
      if (this.#closedBy === "peer") throw disconnect;
      throw new Error(
        `cannot send on a WebSocket the endpoint already closed (code ${disconnect.code})`,
      );
    }
    const fits = fitsIn(data, this.#maxBufferedAmount - this.bufferedAmount);
    // A message the runtime refused (Bun's 0) must not vanish: the endpoint hears of it.
    if (!fits || this.#transport.send(data) === false) {
      this.#closeForLimit(BUFFER_FULL.code, BUFFER_FULL.reason);
      this.#cutIfNeverRead();
      throw this.#inbox.disconnected as WebSocketDisconnect;
    }
  }

  /** Ends the session once: receivers reject first, so a failing transport cannot leave them hanging. */
  #shutDown(code: number, reason: string, by: Closer): void {
    if (this.#phase === "connecting") this.accept();
    this.#phase = "closed";
    this.#closedBy = by;
    this.#stopIdleTimer();
    this.#inbox.end(code, reason);
    this.#transport.close(code, reason);
  }

  #events(): TransportEvents {
    return {
      message: (data) => this.#onMessage(data),
      close: (code, reason) => this.#onClientClose(code, reason),
    };
  }

  #onMessage(data: WebSocketMessage): void {
    if (this.#phase !== "open") return;
    if (!fitsIn(data, this.#maxMessageSize)) {
      this.#closeForLimit(1009, "message too big");
      return;
    }
    this.#touch();
    this.#inbox.push(data);
  }

  #onClientClose(code: number, reason: string): void {
    clearTimeout(this.#cutTimer); // the connection ended: nothing left to cut
    if (this.#phase === "closed") return;
    this.#phase = "closed";
    this.#closedBy = "peer";
    this.#stopIdleTimer();
    this.#inbox.end(code, reason);
  }

  /**
   * The 1008 waits behind everything buffered: a client that never reads would
   * hold the connection and its buffer for good (Deno and Bun keep it open).
   * Where the runtime can drop a connection, it is dropped after a grace period.
   */
  #cutIfNeverRead(): void {
    if (!this.#transport.terminate) return;
    this.#cutTimer = setTimeout(() => this.#transport.terminate?.(), BUFFER_FULL_GRACE_MS);
  }

  #touch(): void {
    if (this.#idleTimeout === undefined) return;
    this.#stopIdleTimer();
    this.#idleTimer = setTimeout(
      () => this.#closeForLimit(1001, "idle timeout"),
      this.#idleTimeout,
    );
  }

  /** A close the endpoint did not ask for; it runs from a timer or an event, so failures are reported. */
  #closeForLimit(code: number, reason: string): void {
    try {
      this.#shutDown(code, reason, "peer");
    } catch (error) {
      this.#onError(error);
    }
  }

  #stopIdleTimer(): void {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }
}
