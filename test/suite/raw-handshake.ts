/**
 * A WebSocket handshake written by hand over TCP (`node:net`, which Node,
 * Deno and Bun all have): the only client that shows the 101's exact headers
 * on every runtime, and that sends an offer spelled exactly as a test wants.
 */
import { connect } from "node:net";
import { type HandshakeAnswer, UPGRADE_HEADERS } from "./ws-client.ts";

const HEAD_TIMEOUT_MS = 4000;

function parseHead(head: string): HandshakeAnswer {
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { status: Number(statusLine.split(" ")[1]), headers };
}

/** Sends the handshake for `path` with extra `headers`; resolves with the response head, then hangs up. */
export function rawHandshake(
  base: URL | string,
  path: string,
  headers: Record<string, string> = {},
): Promise<HandshakeAnswer> {
  const url = new URL(path, base);
  const lines = Object.entries({ host: url.host, ...UPGRADE_HEADERS, ...headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const timer = setTimeout(() => fail(new Error("no handshake answer in time")), HEAD_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    let received = "";
    socket.setEncoding("latin1");
    socket.on("error", fail);
    socket.on("data", (chunk: string) => {
      received += chunk;
      const end = received.indexOf("\r\n\r\n");
      if (end === -1) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseHead(received.slice(0, end)));
    });
    socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\n${lines}\r\n`);
  });
}
