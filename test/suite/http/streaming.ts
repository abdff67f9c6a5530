import assert from "node:assert/strict";
import { App } from "../../../src/app.ts";
import { HTTPException } from "../../../src/exceptions.ts";
import { PlainTextResponse } from "../../../src/responses.ts";
import { Route } from "../../../src/routing/route.ts";
import { StreamingResponse } from "../../../src/streaming.ts";
import { TestClient } from "../../../src/testing/index.ts";
import type { Middleware } from "../../../src/types.ts";
import type { SuiteApi } from "../api.ts";
import type { HttpSuiteOptions } from "./options.ts";
import { unhandledDuring } from "./reporting.ts";
import { eventually, failsBeforeFirst, idle, readChunk, sleep } from "./stream-support.ts";
import { handlerSpy, quietClient, reportSpy } from "./support.ts";

const TEXT = { "content-type": "text/plain; charset=utf-8" };

class Teapot extends Error {}

/** What a producer did, for assertions: chunks made, whether its `finally` ran, its signal. */
function tally() {
  return { produced: 0, finished: false, signal: undefined as AbortSignal | undefined };
}

function streamingApp() {
  const spy = reportSpy();
  const errorHandler = handlerSpy(() => new PlainTextResponse("Error handler", { status: 500 }));
  const seen: unknown[] = [];
  // A logging middleware: what the producer throws before its first chunk reaches it as a throw.
  const watching: Middleware = (next) => async (request, ctx) => {
    try {
      return await next(request, ctx);
    } catch (error) {
      seen.push(error);
      throw error;
    }
  };
  const midway = new Error("the producer failed midway");
  const early = new Error("the producer failed before its first chunk");
  const state = tally();
  const routes = [
    new Route(
      "/chunks",
      () => new StreamingResponse(["a", new TextEncoder().encode("b"), "c"], { headers: TEXT }),
    ),
    new Route(
      "/forbidden",
      () => new StreamingResponse(failsBeforeFirst(new HTTPException(403, "no stream for you"))),
    ),
    new Route("/early", () => new StreamingResponse(failsBeforeFirst(early))),
    new Route("/teapot", () => new StreamingResponse(failsBeforeFirst(new Teapot()))),
    new Route(
      "/not-bytes",
      () =>
        new StreamingResponse(
          (async function* () {
            yield 42 as never;
          })(),
        ),
    ),
    new Route(
      "/midway",
      () =>
        new StreamingResponse(async function* () {
          yield "first\n";
          throw midway;
        }),
    ),
    new Route(
      "/forever",
      (request) =>
        new StreamingResponse(async function* (signal) {
          state.signal = request.signal;
          try {
            for (;;) {
              state.produced++;
              yield `${state.produced}\n`;
              // After two chunks, wait for something that never comes: only the client leaving wakes it.
              if (state.produced >= 2) await sleep(60_000, signal);
            }
          } finally {
            state.finished = true;
          }
        }),
    ),
  ];
  const app = new App({
    routes,
    middleware: [watching],
    exceptionHandlers: [
      [Error, errorHandler.handler],
      [Teapot, () => new PlainTextResponse("short and stout", { status: 418 })],
    ],
    onError: spy.onError,
  });
  return { app, spy, errorHandler, seen, midway, early, state };
}

export function streamingSuite({ describe, it }: SuiteApi, options: HttpSuiteOptions): void {
  describe("StreamingResponse", () => {
    it("S-STR-1: a StreamingResponse is a Response that sends strings and bytes in order", async () => {
      const { app } = streamingApp();
      const response = await new TestClient(app).get("/chunks");
      assert.ok(response instanceof Response);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), TEXT["content-type"]);
      assert.equal(await response.text(), "abc");
      assert.ok(new StreamingResponse([]) instanceof Response);
    });

    it("S-STR-1: an HTTPException before the first chunk takes the handler table's path, with its status, through middleware", async () => {
      const { app, spy, seen } = streamingApp();
      const response = await new TestClient(app).get("/forbidden");
      assert.equal(response.status, 403);
      assert.equal(await response.text(), "no stream for you");
      assert.deepEqual(seen, [], "handled inside user middleware, as the endpoint's own throw is");
      assert.deepEqual(spy.errors, [], "a handled exception is not reported");
    });

    it("S-STR-1: a class handler answers an exception the producer raises before its first chunk", async () => {
      const { app, spy } = streamingApp();
      const response = await new TestClient(app).get("/teapot");
      assert.equal(response.status, 418);
      assert.equal(await response.text(), "short and stout");
      assert.deepEqual(spy.errors, []);
    });

    it("S-STR-1: a plain error before the first chunk is the reported 500, never a 200", async () => {
      const { app, spy, errorHandler, early, seen } = streamingApp();
      const response = await quietClient(app).get("/early");
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "Error handler");
      assert.deepEqual(spy.errors, [early]);
      assert.equal(errorHandler.calls.length, 1);
      assert.deepEqual(seen, [early]);
      await assert.rejects(new TestClient(app).get("/early"), early);
    });

    it("S-STR-1: a chunk that is neither a string nor bytes is a reported TypeError naming the rule", async () => {
      const { app, spy } = streamingApp();
      assert.equal((await quietClient(app).get("/not-bytes")).status, 500);
      assert.match(String(spy.errors[0]), /chunks must be strings or bytes/);
    });

    it("S-STR-1: an error after the first chunk aborts the body, is reported once, and no handler runs", async () => {
      const { app, spy, errorHandler, midway } = streamingApp();
      const response = await quietClient(app).get("/midway");
      assert.equal(response.status, 200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      assert.equal(await readChunk(reader), "first\n");
      await assert.rejects(reader.read(), "never a clean end");
      assert.deepEqual(spy.errors, [midway]);
      assert.equal(errorHandler.calls.length, 0);
    });

    it("S-TC-1: with raiseServerExceptions, reading a body that failed midway rejects with the original error", async () => {
      const { app, midway } = streamingApp();
      const response = await new TestClient(app).get("/midway");
      await assert.rejects(response.text(), midway);
    });

    it("S-STR-1: a client leaving ends the producer: its finally runs, its signal and request.signal abort, nothing reported", async () => {
      const { app, spy, state } = streamingApp();
      const response = await new TestClient(app).get("/forever");
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      assert.equal(await readChunk(reader), "1\n");
      assert.equal(await readChunk(reader), "2\n");
      await reader.cancel("the client left");
      await eventually(() => state.finished, "the generator's finally");
      assert.equal(state.signal?.aborted, true, "request.signal aborted");
      assert.equal(state.produced, 2, "nothing produced after the client left");
      assert.deepEqual(spy.errors, []);
    });

    it("S-STR-1: a slow reader holds the producer back: it never runs more than one chunk ahead of the reader", async () => {
      let produced = 0;
      const app = new App({
        routes: [
          new Route(
            "/count",
            () =>
              new StreamingResponse(async function* () {
                for (let n = 0; n < 50; n++) {
                  produced++;
                  yield `${n},`;
                }
              }),
          ),
        ],
      });
      const response = await new TestClient(app).get("/count");
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      await idle();
      assert.ok(
        produced <= 1,
        `${produced} produced before any read (the first chunk, made before the status)`,
      );
      for (let consumed = 1; consumed <= 50; consumed++) {
        assert.equal(await readChunk(reader), `${consumed - 1},`);
        await idle(); // time to run ahead, if it would
        assert.ok(produced - consumed <= 1, `${produced} produced, ${consumed} read`);
      }
      assert.equal((await reader.read()).done, true);
    });

    it("S-ROU-6: HEAD on a streaming route answers the GET's status and headers, no body, and ends the producer", async () => {
      const { app, state } = streamingApp();
      const response = await new TestClient(app).head("/forever");
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "");
      await eventually(() => state.finished, "the generator's finally");
    });

    it("S-STR-1: middleware returning a StreamingResponse that fails before its first chunk still gets the handler's status", async () => {
      const streamInstead: Middleware = () => async () =>
        new StreamingResponse(failsBeforeFirst(new HTTPException(401, "log in to stream")));
      const app = new App({ routes: [], middleware: [streamInstead] });
      const response = await new TestClient(app).get("/anything");
      assert.equal(response.status, 401);
      assert.equal(await response.text(), "log in to stream");
    });

    it("S-BG-1: background tasks on a streaming response run only after the stream ended", async () => {
      const log: string[] = [];
      const app = new App({
        routes: [
          new Route(
            "/",
            () =>
              new StreamingResponse(
                async function* () {
                  log.push("first");
                  yield "1";
                  log.push("second");
                  yield "2";
                },
                { background: () => void log.push("background") },
              ),
          ),
        ],
      });
      const response = await new TestClient(app).get("/");
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      assert.equal(await readChunk(reader), "1");
      await idle();
      assert.ok(!log.includes("background"), "not while the stream is open");
      assert.equal(await readChunk(reader), "2");
      assert.equal((await reader.read()).done, true);
      assert.deepEqual(log, ["first", "second", "background"]);
    });

    it("S-REP-4: early failures, failures midway, HEAD and a client leaving leave no unhandled rejection", async () => {
      const { app, state } = streamingApp();
      const client = quietClient(app);
      const unhandled = await unhandledDuring(options, async () => {
        assert.equal((await client.get("/early")).status, 500);
        assert.equal((await client.get("/forbidden")).status, 403);
        await assert.rejects((await client.get("/midway")).text());
        assert.equal((await client.head("/forever")).status, 200);
        const reader = (await client.get("/forever")).body?.getReader();
        await reader?.read();
        await reader?.cancel();
        await eventually(() => state.finished, "the generator's finally");
      });
      assert.deepEqual(unhandled, []);
    });

    it("S-STR-1: a producer that is not iterable is a TypeError where the response is made", () => {
      assert.throws(() => new StreamingResponse(42 as never), /async iterable/);
    });
  });
}
