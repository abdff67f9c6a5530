import assert from "node:assert/strict";
import { App } from "../../../src/app.ts";
import { HTTPException } from "../../../src/exceptions.ts";
import { Route } from "../../../src/routing/route.ts";
import { EventSourceResponse, formatEvent, lastEventId } from "../../../src/sse.ts";
import { EventStream, TestClient } from "../../../src/testing/index.ts";
import type { SuiteApi } from "../api.ts";
import { eventually, failsBeforeFirst, gate, idle, sleep } from "./stream-support.ts";
import { quietClient, reportSpy } from "./support.ts";

const MANY = 10_000;

function sseApp() {
  const spy = reportSpy();
  const broke = new Error("the feed broke: secret internals");
  const state = { produced: 0, finished: false, ticks: gate() };
  const routes = [
    new Route(
      "/hello",
      () => new EventSourceResponse(["hello", { event: "tick", id: 1, data: { n: 1 } }]),
    ),
    new Route(
      "/lines",
      () =>
        new EventSourceResponse([
          { data: "one\ntwo\r\nthree\rfour" },
          { retry: 3000 },
          { comment: "a note" },
          { data: "" },
        ]),
    ),
    new Route(
      "/resume",
      (request) => new EventSourceResponse([{ data: lastEventId(request) ?? "from the start" }]),
    ),
    new Route(
      "/denied",
      () => new EventSourceResponse(failsBeforeFirst(new HTTPException(401, "log in to listen"))),
    ),
    new Route(
      "/breaks",
      () =>
        new EventSourceResponse(
          async function* () {
            yield { event: "tick", data: "1" };
            throw broke;
          },
          { onError: () => ({ event: "error", data: "the feed stopped" }) },
        ),
    ),
    new Route(
      "/heartbeat",
      () =>
        new EventSourceResponse(
          async function* () {
            yield "before";
            await state.ticks.opened; // idle until the test says
            yield "after";
          },
          { heartbeat: 5 },
        ),
    ),
    new Route(
      "/quiet",
      () =>
        new EventSourceResponse(async function* () {
          yield "before";
          await state.ticks.opened;
          yield "after";
        }),
    ),
    new Route(
      "/many",
      () =>
        new EventSourceResponse(async function* (signal) {
          try {
            for (let n = 1; n <= MANY && !signal.aborted; n++) {
              state.produced++;
              yield { id: n, data: `event ${n}` };
            }
          } finally {
            state.finished = true;
          }
        }),
    ),
  ];
  const app = new App({ routes, onError: spy.onError });
  return { app, spy, broke, state };
}

export function sseSuite({ describe, it }: SuiteApi): void {
  describe("EventSourceResponse", () => {
    it("S-STR-1: an event stream carries text/event-stream and the headers proxies need", async () => {
      const response = await new TestClient(sseApp().app).get("/hello");
      assert.ok(response instanceof Response);
      assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
      assert.equal(response.headers.get("cache-control"), "no-cache, no-transform");
      assert.equal(response.headers.get("x-accel-buffering"), "no");
      assert.equal(await response.text(), 'data: hello\n\nevent: tick\nid: 1\ndata: {"n":1}\n\n');
      const custom = new EventSourceResponse([], { headers: { "cache-control": "no-store" } });
      assert.equal(custom.headers.get("cache-control"), "no-store", "yours win");
    });

    it("S-STR-1: multi-line data becomes several data: lines; retry and comments are framed", async () => {
      const response = await new TestClient(sseApp().app).get("/lines");
      assert.equal(
        await response.text(),
        "data: one\ndata: two\ndata: three\ndata: four\n\nretry: 3000\n\n: a note\n\ndata: \n\n",
      );
    });

    it("S-STR-1: the test client reads events one by one, as sent", async () => {
      const events = await new TestClient(sseApp().app).events("/lines", { comments: true });
      assert.equal(events.response.status, 200);
      assert.deepEqual((await events.next()).value, { data: "one\ntwo\nthree\nfour" });
      assert.deepEqual((await events.next()).value, { retry: 3000 });
      assert.deepEqual((await events.next()).value, { comment: "a note" });
      assert.deepEqual((await events.next()).value, { data: "" });
      assert.equal((await events.next()).done, true);
    });

    it("S-STR-1: a field that would break the framing is a TypeError naming the rule", () => {
      assert.throws(() => formatEvent({ event: "a\nb", data: "x" }), /event must be one line/);
      assert.throws(() => formatEvent({ id: "1\r", data: "x" }), /id must be one line/);
      assert.throws(() => formatEvent({ retry: -1 }), /retry must be a non-negative integer/);
      assert.throws(() => formatEvent({}), /needs data, event, id, retry or comment/);
      assert.throws(
        () => new EventSourceResponse([], { heartbeat: 0 }),
        /heartbeat must be a positive integer/,
      );
    });

    it("S-STR-1: Last-Event-ID reaches the endpoint through lastEventId(request)", async () => {
      const client = new TestClient(sseApp().app);
      const resumed = await client.events("/resume", { headers: { "last-event-id": "41" } });
      assert.deepEqual((await resumed.next()).value, { data: "41" });
      const fresh = await client.events("/resume");
      assert.deepEqual((await fresh.next()).value, { data: "from the start" });
    });

    it("S-STR-1: an HTTPException before the first event is answered with its status, not a 200 stream", async () => {
      const { app, spy } = sseApp();
      const response = await new TestClient(app).get("/denied");
      assert.equal(response.status, 401);
      assert.equal(await response.text(), "log in to listen");
      assert.deepEqual(spy.errors, []);
      await assert.rejects(
        new TestClient(app).events("/denied"),
        /expected a text\/event-stream response, got 401/,
      );
    });

    it("S-STR-1: onError sends one last event, then the stream is aborted and the error reported once", async () => {
      const { app, spy, broke } = sseApp();
      const events = new EventStream(await quietClient(app).get("/breaks"));
      assert.deepEqual((await events.next()).value, { event: "tick", data: "1" });
      assert.deepEqual((await events.next()).value, { event: "error", data: "the feed stopped" });
      await assert.rejects(events.next(), "the body breaks after the error event");
      assert.deepEqual(spy.errors, [broke]);
    });

    it("S-STR-1: heartbeats are comment lines sent while the producer is idle", async () => {
      const { app, state } = sseApp();
      const events = await new TestClient(app).events("/heartbeat", { comments: true });
      assert.deepEqual((await events.next()).value, { data: "before" });
      assert.deepEqual((await events.next()).value, { comment: "ping" });
      assert.deepEqual((await events.next()).value, { comment: "ping" });
      state.ticks.open();
      let next = (await events.next()).value;
      while (next?.comment === "ping") next = (await events.next()).value; // one may have been under way
      assert.deepEqual(next, { data: "after" });
      assert.equal((await events.next()).done, true);
    });

    it("S-STR-1: a heartbeat before the first event sends the status and headers while the producer waits", async () => {
      const waiting = gate();
      const app = new App({
        routes: [
          new Route(
            "/late",
            () =>
              new EventSourceResponse(
                async function* () {
                  await waiting.opened;
                  yield "at last";
                },
                { heartbeat: 5 },
              ),
          ),
        ],
      });
      const events = await new TestClient(app).events("/late", { comments: true });
      assert.equal(events.response.status, 200, "answered before the first event");
      assert.deepEqual((await events.next()).value, { comment: "ping" });
      waiting.open();
      let next = (await events.next()).value;
      while (next?.comment === "ping") next = (await events.next()).value;
      assert.deepEqual(next, { data: "at last" });
    });

    it("S-STR-1: heartbeats are off by default", async () => {
      const { app, state } = sseApp();
      const events = await new TestClient(app).events("/quiet", { comments: true });
      assert.deepEqual((await events.next()).value, { data: "before" });
      await sleep(30);
      state.ticks.open();
      assert.deepEqual((await events.next()).value, { data: "after" }, "no comment in between");
    });

    it("S-STR-1: 10,000 events pass through one stream with at most one produced ahead of the reader", async () => {
      const { app, state, spy } = sseApp();
      const events = await new TestClient(app).events("/many");
      let consumed = 0;
      let ahead = 0;
      for await (const event of events) {
        consumed++;
        assert.equal(event.id, String(consumed));
        ahead = Math.max(ahead, state.produced - consumed);
        if (consumed % 1000 === 0) await idle(1); // let it run ahead, if it would
      }
      assert.equal(consumed, MANY);
      assert.ok(ahead <= 1, `the producer ran ${ahead} events ahead`);
      assert.equal(state.finished, true);
      assert.deepEqual(spy.errors, []);
    });

    it("S-STR-1: leaving a for-await over the events ends the producer, unreported", async () => {
      const { app, state, spy } = sseApp();
      for await (const event of await new TestClient(app).events("/many")) {
        if (event.id === "3") break;
      }
      await eventually(() => state.finished, "the generator's finally");
      assert.ok(state.produced <= 5, `${state.produced} produced`);
      assert.deepEqual(spy.errors, []);
    });
  });
}
