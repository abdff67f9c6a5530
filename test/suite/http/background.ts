import assert from "node:assert/strict";
import { App } from "../../../src/app.ts";
import { JSONResponse, PlainTextResponse } from "../../../src/responses.ts";
import { Route } from "../../../src/routing/route.ts";
import type { Context } from "../../../src/types.ts";
import type { SuiteApi } from "../api.ts";
import { handlerSpy, quietClient, reportSpy } from "./support.ts";

/** An execution context like a runtime's: it keeps what `waitUntil` is given. */
function executionContext() {
  const pending: Promise<unknown>[] = [];
  return { pending, ctx: { waitUntil: (promise: Promise<unknown>) => pending.push(promise) } };
}

function backgroundApp(events: string[]) {
  const spy = reportSpy();
  const errorHandler = handlerSpy(
    () => new PlainTextResponse("from the 500 handler", { status: 500 }),
  );
  const failure = new Error("background task failed");
  const rejection = new Error("waitUntil promise rejected");
  const record = (name: string) => () => {
    events.push(name);
  };
  const app = new App({
    routes: [
      new Route("/tasks", () => {
        events.push("endpoint");
        return new PlainTextResponse("done", {
          background: [record("first"), async () => record("second")()],
        });
      }),
      new Route("/single", () => new PlainTextResponse("done", { background: record("single") })),
      new Route(
        "/failing",
        () =>
          new PlainTextResponse("done", {
            background: [
              record("before"),
              () => {
                throw failure;
              },
              record("after"),
            ],
          }),
      ),
      new Route("/no-content", () => {
        return new PlainTextResponse("", { status: 204, background: record("after 204") });
      }),
      new Route("/not-modified", () => {
        const headers = { etag: '"v1"' };
        return new JSONResponse(null, { status: 304, headers, background: record("after 304") });
      }),
      new Route("/wait-until", (_request: Request, ctx: Context) => {
        ctx.waitUntil(Promise.resolve().then(record("waited")));
        return new PlainTextResponse("done");
      }),
      new Route("/wait-until-fails", (_request: Request, ctx: Context) => {
        ctx.waitUntil(Promise.reject(rejection));
        return new PlainTextResponse("done");
      }),
    ],
    exceptionHandlers: [[Error, errorHandler.handler]],
    onError: spy.onError,
  });
  return { app, spy, errorHandler, failure, rejection, client: quietClient(app) };
}

export function backgroundSuite({ describe, it }: SuiteApi): void {
  describe("background work", () => {
    it("S-BG-1: background tasks run in order, after the response is handed over", async () => {
      const events: string[] = [];
      const { app } = backgroundApp(events);
      const { pending, ctx } = executionContext();
      const response = await app.fetch(new Request("http://testserver/tasks"), {}, ctx);
      assert.equal(await response.text(), "done");
      assert.deepEqual(events, ["endpoint"], "no task ran before the response was returned");
      assert.equal(pending.length, 1, "the tasks were handed to executionCtx.waitUntil");
      await Promise.all(pending);
      assert.deepEqual(events, ["endpoint", "first", "second"]);
    });

    it("S-BG-1, S-ROU-6: a HEAD served by a GET route keeps its background tasks", async () => {
      const events: string[] = [];
      const { app, spy, failure } = backgroundApp(events);
      for (const path of ["/tasks", "/failing"]) {
        const { pending, ctx } = executionContext();
        const request = new Request(`http://testserver${path}`, { method: "HEAD" });
        const response = await app.fetch(request, {}, ctx);
        assert.equal(response.status, 200);
        assert.equal(response.body, null);
        await Promise.all(pending);
      }
      assert.deepEqual(events, ["endpoint", "first", "second", "before"]);
      assert.deepEqual(spy.errors, [failure], "a failing task on HEAD is reported");
    });

    it("S-BG-1: a single task is accepted as well as a list", async () => {
      const events: string[] = [];
      const response = await backgroundApp(events).client.get("/single");
      assert.equal(response.status, 200);
      assert.deepEqual(events, ["single"]);
    });

    it("S-BG-1, S-RES-2: a 204 or 304 response carries background work, with no body or content type", async () => {
      const events: string[] = [];
      const { client } = backgroundApp(events);
      const noContent = await client.get("/no-content");
      assert.equal(noContent.status, 204);
      assert.equal(noContent.body, null);
      assert.equal(noContent.headers.get("content-type"), null);
      const notModified = await client.get("/not-modified");
      assert.equal(notModified.status, 304);
      assert.equal(notModified.headers.get("etag"), '"v1"');
      assert.equal(notModified.headers.get("content-type"), null);
      assert.deepEqual(events, ["after 204", "after 304"]);
    });

    it("S-BG-1: a body on a 204 is the caller's bug, named at the line that built it", () => {
      assert.throws(() => new PlainTextResponse("text", { status: 204 }), {
        name: "RangeError",
        message: /204 response has no body/,
      });
    });

    it("S-BG-1: ctx.waitUntil hands work to the runtime's executionCtx.waitUntil", async () => {
      const events: string[] = [];
      const { app } = backgroundApp(events);
      const { pending, ctx } = executionContext();
      const response = await app.fetch(new Request("http://testserver/wait-until"), {}, ctx);
      assert.equal(response.status, 200);
      assert.equal(pending.length, 1);
      await Promise.all(pending);
      assert.deepEqual(events, ["waited"]);
    });

    it("S-BG-2: a failing task is reported, shown to the 500 handler, and stops the list", async () => {
      const events: string[] = [];
      const { client, spy, errorHandler, failure } = backgroundApp(events);
      const response = await client.get("/failing");
      // The response was already sent: the 500 handler's answer is discarded.
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "done");
      assert.deepEqual(events, ["before"], "the task after the failing one did not run");
      assert.deepEqual(spy.errors, [failure]);
      assert.equal(errorHandler.calls.length, 1);
      assert.equal(errorHandler.calls[0]?.exc, failure);
    });

    it("S-BG-2: a failing ctx.waitUntil promise is reported and shown to the 500 handler", async () => {
      const { client, spy, errorHandler, rejection } = backgroundApp([]);
      const response = await client.get("/wait-until-fails");
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "done");
      assert.deepEqual(spy.errors, [rejection]);
      assert.equal(errorHandler.calls[0]?.exc, rejection);
    });

    it("S-BG-2: the promise handed to the runtime never rejects, even when a task fails", async () => {
      const { app, spy } = backgroundApp([]);
      for (const path of ["/failing", "/wait-until-fails"]) {
        const { pending, ctx } = executionContext();
        await app.fetch(new Request(`http://testserver${path}`), {}, ctx);
        const outcomes = await Promise.allSettled(pending);
        assert.ok(outcomes.length > 0);
        for (const outcome of outcomes) assert.equal(outcome.status, "fulfilled", path);
      }
      assert.equal(spy.errors.length, 2);
    });
  });
}
