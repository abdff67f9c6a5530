/**
 * What any Node server that hands an app a real Fetch `Request` must spend at
 * least, for bench/node-floor.mjs: `node:http` answering `GET /` with its
 * text, with nothing else (`node:http`), after building the `Request` an
 * adapter would (`request`), and also building the `Response` an app would
 * (`response`), or one whose body stream is never made, as edgelette's text
 * responses on Node (`deferred`). `POST /users` (S7) reads the JSON body: from
 * Node's stream (`node:http`); as a web stream read by a `Response`, with no
 * `Request` built (`stream`: h3's path, as its server srvx reads a body that
 * h3's `bodyLimit` has looked at); or through a real `Request`'s body stream,
 * as an adapter that hands the app a real one must (every other mode). No
 * routing, no validation, no error handling, no client watch.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { announce } from "./announce.ts";

const MODES = ["node:http", "stream", "request", "response", "deferred"] as const;
type Mode = (typeof MODES)[number];

const TEXT = "Hello, World!";
const TYPE = { "content-type": "text/plain;charset=UTF-8" };
const HEAD = { ...TYPE, "content-length": "13" };

function modeFromArgs(): Mode {
  const mode = process.argv[2] as Mode;
  if (!MODES.includes(mode)) throw new Error(`usage: node-floor.js ${MODES.join("|")}`);
  return mode;
}

/** The least a Fetch adapter does: every header kept, the URL made absolute, a body streamed. */
function toRequest(req: IncomingMessage): Request {
  const headers: [string, string][] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.push([raw[i] as string, raw[i + 1] as string]);
  const url = `http://${req.headers.host}${req.url}`;
  if (req.method === "GET" || req.method === "HEAD") {
    return new Request(url, { method: req.method, headers });
  }
  const body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
  return new Request(url, { method: req.method, headers, body, duplex: "half" } as RequestInit);
}

function nodeBodyText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString()));
    req.on("error", reject);
  });
}

/** S7's answer: the user read from the body, created, as JSON. */
async function createUser(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const text =
    mode === "node:http"
      ? await nodeBodyText(req)
      : mode === "stream"
        ? await new Response(Readable.toWeb(req) as ReadableStream<Uint8Array>).text()
        : await toRequest(req).text();
  const { name, age } = JSON.parse(text) as { name: string; age: number };
  const json = JSON.stringify({ id: 1, name, age });
  const head = { "content-type": "application/json", "content-length": Buffer.byteLength(json) };
  res.writeHead(201, head).end(json);
}

const mode = modeFromArgs();
const server = createServer((req, res) => {
  if (req.method === "POST") return void createUser(req, res);
  if (mode !== "node:http" && mode !== "stream") {
    const request = toRequest(req);
    if (request.method !== "GET") return void res.writeHead(405).end();
    // Built as an app would, its text written as edgelette's adapter writes an unread text body.
    if (mode === "response") void new Response(TEXT);
    if (mode === "deferred") void new Response(null, { headers: TYPE });
  }
  res.writeHead(200, HEAD).end(TEXT);
});
server.listen(0, "127.0.0.1", () => announce((server.address() as AddressInfo).port, null));
