/**
 * A WebSocket client on a bare TCP socket (`node:net`, which Node, Deno and
 * Bun all have), for what real clients will not do: stop reading, send a
 * forbidden close code, or drop the connection without a close frame.
 */
import { connect as connectTcp, type Socket } from "node:net";

export interface RawClose {
  code: number;
  reason: string;
}

/** What reading the rest of the connection found. */
export interface RawReadout {
  messages: number;
  bytes: number;
  /** The server's close frame; undefined if the connection ended without one. */
  close: RawClose | undefined;
}

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const decoder = new TextDecoder();

/** Opens a TCP connection and writes `head`; resolves once connected. */
export function openTcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ port, host: "127.0.0.1" }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Sends a WebSocket handshake request and returns the socket, without waiting for the answer. */
export async function startHandshake(port: number, path: string): Promise<Socket> {
  const socket = await openTcp(port);
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  return socket;
}

/** What the server sends until `marker` arrives (or the connection ends, or `timeout` ms pass). */
export function readUntil(socket: Socket, marker: string, timeout = 4000): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const done = () => {
      clearTimeout(timer);
      socket.off("data", take).off("close", done);
      resolve(text);
    };
    const take = (chunk: Uint8Array) => {
      text += decoder.decode(chunk);
      if (text.includes(marker)) done();
    };
    const timer = setTimeout(done, timeout);
    socket.on("data", take).once("close", done);
  });
}

/** Everything the server sends until it closes the connection (or `timeout` ms pass). */
export function readToEnd(socket: Socket, timeout = 4000): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const done = () => {
      clearTimeout(timer);
      resolve(text);
    };
    const timer = setTimeout(() => {
      socket.destroy();
      done();
    }, timeout);
    socket.on("data", (chunk: Uint8Array) => {
      text += decoder.decode(chunk);
    });
    socket.once("close", done);
  });
}

export class RawWebSocket {
  readonly #socket: Socket;
  #buffer: Uint8Array;

  private constructor(socket: Socket, rest: Uint8Array) {
    this.#socket = socket;
    this.#buffer = rest;
  }

  /** Completes a handshake on `path`, then stops reading: the server's sends pile up. */
  static async connect(port: number, path: string): Promise<RawWebSocket> {
    const socket = await startHandshake(port, path);
    const rest = await readHead(socket);
    socket.pause();
    return new RawWebSocket(socket, rest);
  }

  /** Sends one masked frame (clients must mask). */
  sendFrame(opcode: number, payload: Uint8Array): void {
    this.#socket.write(maskedFrame(opcode, payload));
  }

  /** A close frame with any code, sendable or not. */
  sendClose(code: number, reason = ""): void {
    this.#socket.write(closeFrame(code, reason));
  }

  /** Drops the connection without a close frame (a TCP reset where the runtime allows it). */
  drop(): void {
    const socket = this.#socket as Socket & { resetAndDestroy?: () => void };
    if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
    else socket.destroy();
  }

  /** Resumes reading and counts messages until the server's close frame or the end (bounded). */
  readAll(timeout = 8000): Promise<RawReadout> {
    const readout: RawReadout = { messages: 0, bytes: 0, close: undefined };
    return new Promise((resolve) => {
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        // A close frame is echoed, as real clients do, and the server ends the connection.
        const { close } = readout;
        if (close && close.code !== 1005) this.#socket.end(closeFrame(close.code));
        else this.#socket.destroy();
        resolve(readout);
      };
      const timer = setTimeout(finish, timeout);
      const take = (chunk?: Uint8Array) => {
        if (chunk) this.#buffer = concat([this.#buffer, chunk]);
        if (this.#parse(readout)) finish();
      };
      this.#socket.on("data", take).once("close", finish);
      this.#socket.resume();
      take();
    });
  }

  /** Parses whole frames from the buffer; true once a close frame arrived. */
  #parse(readout: RawReadout): boolean {
    while (true) {
      const frame = parseFrame(this.#buffer);
      if (!frame) return false;
      this.#buffer = this.#buffer.subarray(frame.end);
      const { opcode, fin, payload } = frame;
      if (opcode === 0x8) {
        const code = payload.byteLength >= 2 ? (payload[0] << 8) | payload[1] : 1005;
        readout.close = { code, reason: decoder.decode(payload.subarray(2)) };
        return true;
      }
      if (opcode <= 0x2) {
        readout.bytes += payload.byteLength;
        if (fin) readout.messages++;
      }
    }
  }
}

function maskedFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const mask = new Uint8Array([1, 2, 3, 4]);
  const length = payload.byteLength;
  const head =
    length < 126
      ? new Uint8Array([0x80 | opcode, 0x80 | length])
      : new Uint8Array([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff]);
  return concat([head, mask, payload.map((byte, i) => byte ^ mask[i % 4])]);
}

function closeFrame(code: number, reason = ""): Uint8Array {
  const text = new TextEncoder().encode(reason);
  return maskedFrame(0x8, concat([new Uint8Array([code >> 8, code & 0xff]), text]));
}

/** One unmasked server frame at the start of `buffer`, or undefined if it is not all there. */
function parseFrame(buffer: Uint8Array) {
  if (buffer.byteLength < 2) return undefined;
  let length = buffer[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.byteLength < 4) return undefined;
    length = (buffer[2] << 8) | buffer[3];
    offset = 4;
  } else if (length === 127) {
    if (buffer.byteLength < 10) return undefined;
    length = Number(new DataView(buffer.buffer, buffer.byteOffset + 2, 8).getBigUint64(0));
    offset = 10;
  }
  if (buffer.byteLength < offset + length) return undefined;
  return {
    fin: (buffer[0] & 0x80) !== 0,
    opcode: buffer[0] & 0x0f,
    payload: buffer.subarray(offset, offset + length),
    end: offset + length,
  };
}

/** Reads up to the end of the 101's head; resolves with whatever came after it. */
function readHead(socket: Socket): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    let buffer = new Uint8Array(0);
    const onData = (chunk: Uint8Array) => {
      buffer = concat([buffer, chunk]);
      const text = decoder.decode(buffer);
      const end = text.indexOf("\r\n\r\n");
      if (end === -1) return;
      socket.off("data", onData);
      if (!text.startsWith("HTTP/1.1 101")) return reject(new Error(text.split("\r\n")[0]));
      resolve(buffer.subarray(new TextEncoder().encode(text.slice(0, end + 4)).byteLength));
    };
    socket.on("data", onData);
    socket.once("error", reject);
  });
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
