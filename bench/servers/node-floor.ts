/**
 * What any Node server that hands an app a real Fetch `Request` must spend at
 * least, for bench/node-floor.mjs: `node:http` answering `GET /` with its
 * text, with nothing else (`node:http`), after building the `Request` an
 * adapter would (`request`), and also building the `Response` an app would
 * (`response`), or one whose body stream is never made, as edgelette's text
 * responses on Node (`deferred`). No routing, no error handling, no client watch.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { announce } from "./announce.ts";

const MODES = ["node:http", "request", "response", "deferred"] as const;
type Mode = (typeof MODES)[number];

const TEXT = "Hello, World!";
const TYPE = { "content-type": "text/plain;charset=UTF-8" };
const HEAD = { ...TYPE, "content-length": "13" };

function modeFromArgs(): Mode {
  const mode = process.argv[2] as Mode;
  if (!MODES.includes(mode)) throw new Error(`usage: node-floor.js ${MODES.join("|")}`);
  return mode;
}

/** The least a Fetch adapter does: every header kept, the URL made absolute. */
function toRequest(req: IncomingMessage): Request {
  const headers: [string, string][] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.push([raw[i] as string, raw[i + 1] as string]);
  return new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers });
}

const mode = modeFromArgs();
const server = createServer((req, res) => {
  if (mode !== "node:http") {
    const request = toRequest(req);
    if (request.method !== "GET") return void res.writeHead(405).end();
    // Built as an app would, its text written as edgelette's adapter writes an unread text body.
    if (mode === "response") void new Response(TEXT);
    if (mode === "deferred") void new Response(null, { headers: TYPE });
  }
  res.writeHead(200, HEAD).end(TEXT);
});
server.listen(0, "127.0.0.1", () => announce((server.address() as AddressInfo).port, null));
