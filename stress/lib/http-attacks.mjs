/**
 * HTTP attacks: malformed requests on raw sockets, and a seeded request
 * fuzzer whose oracle knows, per route, the status class an answer may have
 * and whether the request must be reported once or never.
 */
import http from "node:http";
import net from "node:net";
import { pool, within } from "./random.mjs";

const HANG_MS = 5000;
const HOSTILE_KINDS = [
  "error",
  "string",
  "undefined",
  "null",
  "symbol",
  "number",
  "getter-throws",
  "proxy",
  "cyclic-cause",
  "huge",
];

/** Internals a body must never show: our marker, a stack frame, a source path. */
export function showsInternals(text) {
  return /SECRET|\n\s+at \S+.*:\d+:\d+|node_modules|\/work\/|\.ts:\d+/.test(text);
}

/** Complete but malformed messages, each followed by a half-close: answer (never 5xx) or close. */
const MALFORMED = [
  "GET / HTTP/1.1\r\n\r\n",
  "GET /ok HTTP/1.0\r\n\r\n",
  "GET /x/admin/users HTTP/1.0\r\n\r\n",
  "GET * HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET x HTTP/1.0\r\n\r\n",
  "GET //evil.example/ok HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET http://[bad/ok HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /ok HTTP/9.9\r\nHost: a\r\n\r\n",
  "GET /ok\r\n\r\n",
  "\x00\x01\x02\x03garbage\r\n\r\n",
  "GET /ok HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
  "GET /ok HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n",
  "GET /ok HTTP/1.1\r\nHost: a\r\nX: \x00\r\n\r\n",
  "GET /ok HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
  "GET /ok HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
  "POST /echo-json HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n0\r\n\r\n",
  "POST /echo-json HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n\r\n{",
  `GET /ok HTTP/1.1\r\nHost: a\r\nX-Big: ${"a".repeat(70_000)}\r\n\r\n`,
  `GET /${"a".repeat(70_000)} HTTP/1.1\r\nHost: a\r\n\r\n`,
  "GET /%zz%00%ff HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /files/..%2f..%2fetc/passwd HTTP/1.1\r\nHost: a\r\n\r\n",
  "TRACE /hono/x HTTP/1.1\r\nHost: a\r\n\r\n",
  "TRACK /hono/x HTTP/1.1\r\nHost: a\r\n\r\n",
  "CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /ws/script HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
  "GET /ws/script HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 99\r\n\r\n",
  `GET /ok HTTP/1.1\r\nHost: a\r\nAccept: text/html;q=${"1".repeat(7000)}x\r\n\r\n`,
];

function rawExchange(port, bytes) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    let text = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, hung: true });
    }, HANG_MS);
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ text, hung: false });
    });
    socket.write(bytes, "latin1", () => socket.end());
  });
}

export async function malformed(server, tally) {
  for (const bytes of MALFORMED) {
    const logged = server.output.length;
    const { text, hung } = await rawExchange(server.port, bytes);
    tally.requests++;
    const statuses = text.match(/^HTTP\/1\.[01] (\d{3})/gm) ?? [];
    const label = JSON.stringify(bytes.slice(0, 60));
    if (hung) tally.fail("hangs", `raw: ${label}`);
    if (statuses.some((line) => line.endsWith(" 500"))) {
      const own = await ownAnswer(server, logged);
      if (own) tally.attribute(`${server.runtime}'s own HTTP server answered 500: ${own}`, label);
      else tally.fail("wrongStatus", `raw 500: ${label}`);
    }
    if (showsInternals(text)) tally.fail("internals", `raw: ${label}`);
  }
}

/**
 * The runtime's own log line for an answer it gave before any app code ran
 * (process.mjs names it per runtime), logged since `from`; waits up to 1 s
 * for it. Undefined when there is none: then the 500 is a defect.
 */
async function ownAnswer(server, from) {
  if (!server.ownAnswerLog) return undefined;
  for (let tries = 0; tries < 40; tries++) {
    const match = server.ownAnswerLog.exec(server.output.slice(from));
    if (match) return match[1].replace(/:\d+:/, ":").slice(0, 100);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return undefined;
}

const ACCEPTS = [
  undefined,
  "*/*",
  "text/html",
  "application/json",
  "text/html;q=0.9, text/plain;q=0.8",
  `text/html;q=${"1".repeat(6000)}x`,
  `${"a/b;q=0.5,".repeat(500)}text/html`,
  "garbage;;;,,,q=",
];
const METHODS = [
  "GET",
  "GET",
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "TRACE",
  "FOO",
];
const JUNK_SEGMENTS = [
  "..",
  "%2e%2e",
  "%2F",
  "a%00b",
  "%zz",
  "é",
  "%E9",
  "{x}",
  "*",
  "a b",
  "~",
  ".",
];

const STANDARD_METHODS = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "TRACE",
]);

/** One request and what the oracle expects of it. */
function plan(random, sid) {
  const method = random.pick(METHODS);
  const headers = { accept: random.pick(ACCEPTS) };
  const kind = random.pick([
    "ok",
    "ok",
    "files",
    "boom",
    "boom",
    "http",
    "json",
    "json",
    "stream",
    "head-bg",
    "hang",
    "hono",
    "random",
    "random",
  ]);
  const readsOnly = method === "GET" || method === "HEAD";
  const q = `sid=${sid}`;
  switch (kind) {
    case "ok":
      return {
        method,
        headers,
        path: `${random.pick(["/ok", "/ok/12", "/ok/x", "/ok/"])}?${q}`,
        reports: 0,
      };
    case "files": {
      const segments = Array.from({ length: 1 + random.int(4) }, () =>
        random.chance(0.5) ? random.pick(JUNK_SEGMENTS) : "f",
      );
      return {
        method,
        headers,
        path: `/files/${segments.join("/")}?${q}`,
        reports: 0,
        traversal: true,
      };
    }
    case "boom":
      return {
        method,
        headers,
        path: `/boom/${random.pick(HOSTILE_KINDS)}?${q}`,
        reports: readsOnly ? 1 : 0,
        status: readsOnly ? 500 : undefined,
      };
    case "http": {
      const status = random.pick([400, 401, 403, 404, 409, 418, 422, 429, 500, 502, 503]);
      return {
        method,
        headers,
        path: `/http/${status}?${q}`,
        reports: 0,
        status: readsOnly ? status : undefined,
        allow5xx: true,
      };
    }
    case "json": {
      const bodies = [
        '{"a":1}',
        "{",
        "[]",
        "x".repeat(2_000_000),
        `{"deep":${"[".repeat(5000)}${"]".repeat(5000)}}`,
      ];
      const type = random.pick([
        "application/json",
        "text/plain",
        "application/json; charset=utf-8",
        undefined,
      ]);
      return {
        method: "POST",
        headers: { ...headers, "content-type": type },
        path: `/echo-json?${q}`,
        body: random.pick(bodies),
        reports: 0,
      };
    }
    case "stream":
      return {
        method: "GET",
        headers,
        path: `/stream/${random.pick(["broken", "non-error"])}?${q}`,
        reports: 1,
        broken: true,
      };
    case "head-bg":
      return { method: "HEAD", headers, path: `/head-background?${q}`, reports: 1, status: 200 };
    case "hang":
      return {
        method: "GET",
        headers,
        path: `/hang?${q}`,
        reports: 1,
        status: 503,
        allow5xx: true,
      };
    case "hono":
      return { method, headers, path: `/hono/${random.pick(["x", "..", "a/b"])}?${q}`, reports: 0 };
    default: {
      // Never a segment that names a route which throws or hangs on purpose.
      const segments = Array.from({ length: random.int(5) }, () =>
        random.pick([...JUNK_SEGMENTS, "ok", "x"]),
      );
      return { method, headers, path: `/${segments.join("/")}?${q}`, reports: 0 };
    }
  }
}

function send(server, agent, request) {
  return new Promise((resolve) => {
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([, v]) => v !== undefined),
    );
    let req;
    try {
      req = http.request({
        host: "127.0.0.1",
        port: server.port,
        agent,
        method: request.method,
        path: request.path,
        headers,
      });
    } catch (error) {
      return resolve({ refused: String(error) }); // a request Node's client will not send
    }
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ hung: true });
    }, HANG_MS);
    // What was last sent on the keep-alive connection this request goes out on.
    let previous;
    req.on("socket", (socket) => {
      previous = socket.lastRequest;
      socket.lastRequest = request;
    });
    req.on("error", (error) => {
      clearTimeout(timer);
      resolve({ error, previous });
    });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("latin1");
      res.on("data", (chunk) => {
        body += chunk.length > 100_000 ? chunk.slice(0, 100_000) : chunk;
      });
      res.on("error", () => {});
      res.once("close", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode, body, complete: res.complete });
      });
    });
    req.end(request.body);
  });
}

/** Fires `count` planned requests, 16 at a time; returns the sids that must each be reported once. */
export async function fuzz(server, tally, random, count, firstSid) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const expected = new Map();
  const tasks = Array.from({ length: count }, (_, i) => async () => {
    const sid = firstSid + i;
    const request = plan(random, sid);
    const outcome = await send(server, agent, request);
    tally.requests++;
    if (outcome.refused) return;
    const closedBefore = closedByRuntime(server, outcome);
    if (closedBefore) {
      // The runtime closed this connection after the previous answer on it: never sent.
      return tally.attribute(closedBefore, `${request.method} ${request.path.slice(0, 60)}`);
    }
    // A request the server never got (its connection was gone) owes no report.
    const label = `${request.method} ${request.path.split("?")[0].slice(0, 40)}`;
    if (!outcome.error || request.broken)
      expected.set(String(sid), { reports: request.reports, label });
    judge(request, outcome, tally);
  });
  await pool(tasks, 16);
  agent.destroy();
  return expected;
}

/**
 * workerd closes a keep-alive connection right after two kinds of answer,
 * without `Connection: close` (it strips the header from a Worker's response):
 * a body that failed midway, which it ends like a complete one
 * (cloudflare/workerd#6818), and a refusal whose request body, over 1 MiB, was
 * left unread (worker() reads up to 1 MiB). A client that sends its next
 * request on that connection before it sees the close gets ECONNRESET. Only
 * that case is the runtime's: a reset on a reused connection whose previous
 * request was one of those two.
 */
function closedByRuntime(server, { error, previous }) {
  if (server.runtime !== "workerd" || error?.code !== "ECONNRESET" || !previous) return undefined;
  if (previous.broken)
    return "workerd closed the keep-alive connection after a body that failed midway";
  if ((previous.body?.length ?? 0) > 1024 * 1024) {
    return "workerd closed the keep-alive connection after a refused body over 1 MiB";
  }
  return undefined;
}

function judge(request, outcome, tally) {
  const label = `${request.method} ${request.path.slice(0, 60)}`;
  if (outcome.hung) return tally.fail("hangs", label);
  if (outcome.error) {
    // A broken stream is cut on purpose (S-REP-2). Bun's parser resets a connection whose
    // method is not a registered one (FOO) before any app code runs: Bun's, documented.
    const unregistered = !STANDARD_METHODS.has(request.method);
    // A server may refuse a body over 1 MiB and close before the client has written it all.
    const oversized = (request.body?.length ?? 0) > 1024 * 1024;
    if (!request.broken && !unregistered && !oversized) {
      tally.fail("wrongStatus", `${label}: ${outcome.error.code ?? outcome.error}`);
    }
    return;
  }
  const { status } = outcome;
  if (request.status !== undefined && status !== request.status) {
    tally.fail("wrongStatus", `${label}: ${status}, expected ${request.status}`);
  } else if (request.status === undefined && status >= 500 && !request.allow5xx) {
    // 501 Not Implemented is a right answer to a method the runtime will not serve: FOO on
    // workerd, TRACE on Deno (issue 19 item 16 allows 405 or 501). Reports are checked apart.
    if (status === 501) return judgeBody(request, outcome, tally);
    tally.fail("wrongStatus", `${label}: ${status}`);
  }
  judgeBody(request, outcome, tally);
}

function judgeBody(request, { status, body }, tally) {
  const label = `${request.method} ${request.path.slice(0, 60)}`;
  if (showsInternals(body)) tally.fail("internals", label);
  if (
    request.traversal &&
    status === 200 &&
    /(^|\/)\.\.(\/|"|$)/.test(JSON.parse(body || "{}").p ?? "")
  ) {
    tally.fail("wrongStatus", `${label}: served a path with ".."`);
  }
}

/** Compares what the app reported per sid with what the oracle expected. */
export function countReports(expected, stats, tally) {
  for (const [sid, { reports: want, label }] of expected) {
    const got = stats.reports[sid] ?? 0;
    if (got < want) tally.fail("unreported", `${label} (sid ${sid})`);
    else if (got > want && want > 0) tally.fail("doubleReported", `${label} (sid ${sid}): ${got}×`);
    else if (got > want) tally.fail("clientErrorsReported", `${label} (sid ${sid})`);
  }
  for (let i = 0; i < stats.anonymous; i++)
    tally.fail("clientErrorsReported", "a report without sid");
}

export async function stats(server) {
  const response = await within(fetch(`${server.origin}/__stats`), HANG_MS, undefined);
  if (!response) throw new Error("the target does not answer /__stats");
  return response.json();
}
