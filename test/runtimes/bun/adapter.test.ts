// What only the Bun adapter does: Bun.serve, server.upgrade, Bun.env, shutdown.
import { afterAll, describe, it } from "bun:test";
import assert from "node:assert/strict";
import { config, type ServerHandle, serve } from "../../../adapters/bun.ts";
import {
  App,
  type Context,
  HTTPException,
  PlainTextResponse,
  Route,
  type WebSocketDisconnect,
  WebSocketException,
  WebSocketRoute,
  type WebSocketSession,
} from "../../../src/index.ts";
import {
  browserTarget,
  type ClientEvent,
  type ClientSocket,
  UPGRADE_HEADERS,
} from "../../suite/ws-client.ts";

/** A promise with its resolve function at hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const encoder = new TextEncoder();
const reported: unknown[] = [];
const finishedWork: string[] = [];
const slowRequestArrived = deferred();
const abortRequestArrived = deferred();
const serverSawAbort = deferred<unknown>();
const hangingRequestArrived = deferred();
const endpointSawClose = deferred<unknown>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function slowWork(_request: Request, ctx: Context) {
  ctx.waitUntil(sleep(50).then(() => finishedWork.push("slow task")));
  return new PlainTextResponse("started");
}

async function slowAnswer() {
  slowRequestArrived.resolve();
  await sleep(50);
  return new PlainTextResponse("answered after close() began");
}

/** Answers only once the client has given up. */
async function waitForAbort(request: Request) {
  const aborted = new Promise((resolve) => request.signal.addEventListener("abort", resolve));
  abortRequestArrived.resolve();
  await aborted;
  serverSawAbort.resolve(request.signal.reason);
  return new PlainTextResponse("nobody is listening");
}

/** Never answers: shutdown has to give up on it. */
function hang() {
  hangingRequestArrived.resolve();
  return new Promise<Response>(() => {});
}

function failingWork(_request: Request, ctx: Context) {
  ctx.waitUntil(Promise.reject(new Error("background failed")));
  return new PlainTextResponse("started");
}

function brokenStream() {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode("first chunk\n"));
    },
    async pull(controller) {
      await sleep(20); // lets the status and the first chunk go out first
      controller.error(new Error("stream failed midway"));
    },
  });
  return new Response(body);
}

async function refuseBeforeAccept(ws: WebSocketSession) {
  if (ws.request.headers.get("x-deny") === "http") throw new HTTPException(403, "no entry");
  throw new WebSocketException(4003, "not before accept");
}

async function echoThenClose(ws: WebSocketSession) {
  ws.accept({ subprotocol: ws.subprotocols.at(-1) });
  ws.sendText("sent right after accept");
  for await (const message of ws) {
    if (message === "close please") return ws.close(4001, "closing after accept");
    if (typeof message === "string") ws.sendText(`echo ${message}`);
    else ws.sendBytes(message);
  }
}

async function waitForClient(ws: WebSocketSession) {
  ws.accept();
  try {
    await ws.receiveText();
  } catch (error) {
    endpointSawClose.resolve(error);
  }
}

const app = new App({
  routes: [
    new Route("/slow-work", slowWork),
    new Route("/failing-work", failingWork),
    new Route("/slow-answer", slowAnswer),
    new Route("/wait-for-abort", waitForAbort),
    new Route("/hang", hang),
    new Route("/env", (_request, ctx) => new PlainTextResponse(String(ctx.env.GREETING))),
    new Route("/broken-stream", brokenStream),
    new WebSocketRoute("/ws/refuse", refuseBeforeAccept),
    new WebSocketRoute("/ws/echo", echoThenClose),
    new WebSocketRoute("/ws/wait", waitForClient),
  ],
  onError: (error) => reported.push(error),
});

const server: ServerHandle = await serve(app, { port: 0 });
const target = browserTarget(server.url);

/** The close the client saw next, skipping messages. */
async function closeOf(socket: ClientSocket): Promise<{ code: number; reason: string }> {
  let event: ClientEvent = await socket.next();
  while (event.kind !== "close") event = await socket.next();
  return { code: event.code, reason: event.reason };
}

async function nextText(socket: ClientSocket): Promise<unknown> {
  const event = await socket.next();
  return event.kind === "message" ? event.data : event;
}

afterAll(() => server.close());

describe("edgelette/bun serve()", () => {
  it("listens on 127.0.0.1 with the port the OS picked", () => {
    assert.equal(server.hostname, "127.0.0.1");
    assert.ok(server.port > 0);
    assert.equal(server.url.port, String(server.port));
  });

  it("passes options.env to the app as ctx.env", async () => {
    const own = await serve(app, { port: 0, env: { GREETING: "hello from env" } });
    try {
      assert.equal(await (await fetch(new URL("/env", own.url))).text(), "hello from env");
    } finally {
      await own.close();
    }
  });

  it("S-REP-3: a client that goes away aborts request.signal", async () => {
    const controller = new AbortController();
    const answer = fetch(new URL("/wait-for-abort", server.url), { signal: controller.signal });
    await abortRequestArrived.promise;
    controller.abort();
    await assert.rejects(answer, { name: "AbortError" });
    assert.equal(((await serverSawAbort.promise) as Error).name, "AbortError");
  });

  it("S-REP-2: a streamed body that fails midway cuts the connection and is reported", async () => {
    const response = await fetch(new URL("/broken-stream", server.url));
    assert.equal(response.status, 200);
    await assert.rejects(response.text());
    assert.ok(reported.some((error) => (error as Error).message === "stream failed midway"));
  });

  it("S-BG-1: close() waits for background work, and a failing task is reported", async () => {
    const own = await serve(app, { port: 0 });
    assert.equal(await (await fetch(new URL("/slow-work", own.url))).text(), "started");
    assert.equal(await (await fetch(new URL("/failing-work", own.url))).text(), "started");
    await own.close();
    assert.deepEqual(finishedWork, ["slow task"]);
    assert.ok(reported.some((error) => (error as Error).message === "background failed"));
    await assert.rejects(fetch(new URL("/slow-work", own.url)));
  });

  it("close() lets a request in flight finish", async () => {
    const own = await serve(app, { port: 0 });
    const answer = fetch(new URL("/slow-answer", own.url));
    await slowRequestArrived.promise;
    await own.close();
    assert.equal(await (await answer).text(), "answered after close() began");
  });

  it("close() gives up on a request that never ends after shutdownTimeout", async () => {
    const own = await serve(app, { port: 0, shutdownTimeout: 50 });
    const answer = fetch(new URL("/hang", own.url));
    await hangingRequestArrived.promise;
    await own.close();
    await assert.rejects(answer);
  });

  it("aborting the signal closes the server", async () => {
    const controller = new AbortController();
    const own = await serve(app, { port: 0, signal: controller.signal });
    assert.equal((await fetch(new URL("/env", own.url))).status, 200);
    controller.abort();
    await own.close(); // the same shutdown the abort started
    await assert.rejects(fetch(new URL("/env", own.url)));
  });
});

describe("edgelette/bun WebSockets", () => {
  it("S-WS-2: a WebSocketException before accept reaches Bun's client as a close code", async () => {
    const socket = await target.connect("/ws/refuse");
    assert.deepEqual(await closeOf(socket), { code: 4003, reason: "not before accept" });
  });

  it("S-WS-3: an HTTPException before accept is an HTTP denial with status and body", async () => {
    const headers = { ...UPGRADE_HEADERS, "x-deny": "http" };
    const response = await fetch(new URL("/ws/refuse", server.url), { headers });
    assert.equal(response.status, 403);
    assert.equal(await response.text(), "no entry");
  });

  it("S-WS-5: an upgrade to a path with no WebSocket route is a 404 denial", async () => {
    const denial = await target.requestUpgrade("/slow-work/nope");
    assert.deepEqual([denial.status, denial.body], [404, "Not Found"]);
  });

  it("S-BAD-3: an upgrade Bun cannot complete (no key) is a 400, not a 500", async () => {
    const headers = { upgrade: "websocket", connection: "Upgrade" };
    const response = await fetch(new URL("/ws/echo", server.url), { headers });
    assert.equal(response.status, 400);
    assert.equal(await response.text(), "invalid WebSocket upgrade request");
  });

  it("S-WS-10: text, bytes and a server close code after accept reach Bun's client", async () => {
    const socket = await target.connect("/ws/echo", { protocols: ["chat", "json"] });
    assert.equal(socket.protocol, "json");
    assert.equal(await nextText(socket), "sent right after accept");
    socket.send("hi");
    assert.equal(await nextText(socket), "echo hi");
    socket.send(new Uint8Array([1, 2, 3]));
    assert.deepEqual(await nextText(socket), new Uint8Array([1, 2, 3]));
    socket.send("close please");
    assert.deepEqual(await closeOf(socket), { code: 4001, reason: "closing after accept" });
  });

  it("S-WS-6: a client close reaches the endpoint and is reciprocated", async () => {
    const socket = await target.connect("/ws/wait");
    socket.close(4100, "client leaves");
    assert.deepEqual(await closeOf(socket), { code: 4100, reason: "client leaves" });
    const disconnect = (await endpointSawClose.promise) as WebSocketDisconnect;
    assert.deepEqual([disconnect.code, disconnect.reason], [4100, "client leaves"]);
  });

  it("close() tells open WebSocket clients 1001 going away", async () => {
    const own = await serve(app, { port: 0 });
    const socket = await browserTarget(own.url).connect("/ws/wait");
    await own.close();
    assert.deepEqual(await closeOf(socket), { code: 1001, reason: "going away" });
  });
});

describe("edgelette/bun config()", () => {
  it("S-DBG-5: reads Bun.env with a strict boolean cast", () => {
    process.env.EDGELETTE_BUN_FLAG = "TRUE";
    assert.equal(config().boolean("EDGELETTE_BUN_FLAG"), true);
    process.env.EDGELETTE_BUN_FLAG = "yes";
    assert.throws(() => config().boolean("EDGELETTE_BUN_FLAG"), /not a boolean/);
    delete process.env.EDGELETTE_BUN_FLAG;
    assert.equal(config().boolean("EDGELETTE_BUN_FLAG", false), false);
  });
});
