/**
 * The `ws` package as a real client of a server on this machine: the
 * WebSocket suite's target on Node, and the adapter tests' helpers.
 */
import type { IncomingMessage } from "node:http";
import WebSocket from "ws";
import { rawHandshake } from "../../suite/raw-handshake.ts";
import {
  type ClientSocket,
  fromWebSocketLike,
  type WebSocketLike,
  type WebSocketTarget,
} from "../../suite/ws-client.ts";

export interface Denial {
  status: number;
  headers: Headers;
  body: string;
}

export function headersOf(message: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = message.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  return headers;
}

export function wsUrl(base: URL, path: string): string {
  return new URL(path, base).href.replace(/^http/, "ws");
}

/** Opens a socket; resolves once open, with the handshake's headers. */
export async function connect(url: string, protocols: string[] = []): Promise<ClientSocket> {
  const ws = new WebSocket(url, protocols);
  const handshake = new Promise<Headers>((resolve) => {
    ws.once("upgrade", (response) => resolve(headersOf(response)));
  });
  const socket = await fromWebSocketLike(ws as unknown as WebSocketLike);
  const headers = await handshake;
  return {
    protocol: ws.protocol,
    headers,
    send: (data) => socket.send(data),
    next: () => socket.next(),
    close: (code, reason) => socket.close(code, reason),
  };
}

/** An upgrade the server must refuse: its HTTP response, as `ws` reports it. */
export function requestUpgrade(url: string): Promise<Denial> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on("error", reject);
    ws.once("open", () => {
      ws.close();
      reject(new Error(`expected ${url} to refuse the upgrade, but it was accepted`));
    });
    ws.once("unexpected-response", (request, response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.once("end", () => {
        resolve({ status: response.statusCode ?? 0, headers: headersOf(response), body });
        request.destroy();
      });
    });
  });
}

/** The WebSocket suite's view of a server at `base`. */
export function wsTarget(base: URL): WebSocketTarget {
  return {
    baseUrl: base.href,
    connect: (path, options) => connect(wsUrl(base, path), options?.protocols),
    requestUpgrade: (path) => requestUpgrade(wsUrl(base, path)),
    handshake: (path, headers) => rawHandshake(base, path, headers),
  };
}
