import assert from "node:assert/strict";
import { App } from "../../../src/app.ts";
import { ClientDisconnect, HTTPException } from "../../../src/exceptions.ts";
import { reportOnce } from "../../../src/reporting.ts";
import { readJson } from "../../../src/request-body.ts";
import { PlainTextResponse } from "../../../src/responses.ts";
import { Mount, Route } from "../../../src/routing/route.ts";
import { TestClient } from "../../../src/testing/index.ts";
import type { Middleware } from "../../../src/types.ts";
import type { SuiteApi } from "../api.ts";
import type { HttpSuiteOptions } from "./options.ts";
import { breakingStream, handlerSpy, quietClient, reportSpy, settle } from "./support.ts";

class Handled extends Error {}

const boom = () => {
  throw new Error("boom");
};
const notFound = () => {
  throw new HTTPException(404);
};
const handled = () => {
  throw new Handled("has a handler");
};
const readBody = async (request: Request) => {
  await readJson(request);
  return new PlainTextResponse("read");
};
const disconnect = () => {
  throw new ClientDisconnect();
};
// A logging middleware: it sees the error and lets it go on.
const rethrowing: Middleware = (next) => async (request, ctx) => {
  try {
    return await next(request, ctx);
  } catch (error) {
    ctx.state.seenByMiddleware = error;
    throw error;
  }
};

/** A body that sends one chunk, then takes its time over the next. */
function slowStream(): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent) await settle();
      sent = true;
      controller.enqueue(new TextEncoder().encode("chunk"));
    },
  });
}

/** A request body that fails while it is read, as when the client goes away. */
function vanishingBody(): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: breakingStream('{"partial":', new Error("connection reset")),
    duplex: "half",
  } as RequestInit;
}

function reportingApp() {
  const spy = reportSpy();
  const errorHandler = handlerSpy(() => new PlainTextResponse("Error handler", { status: 500 }));
  const midway = new Error("the stream broke midway");
  const child = new App({ routes: [new Route("/boom", boom)], onError: spy.onError });
  const app = new App({
    routes: [
      new Route("/boom", boom),
      new Route("/not-found", notFound),
      new Route("/handled", handled),
      new Route("/read", readBody, { methods: ["POST"] }),
      new Route("/disconnect", disconnect),
      new Route("/stream", () => new Response(breakingStream("first chunk", midway))),
      new Route("/slow-stream", () => new Response(slowStream())),
      new Route("/background-fails", () => {
        const task = () => Promise.reject(new Error("the background task failed"));
        return new PlainTextResponse("accepted", { background: task });
      }),
      new Mount("/child", child),
    ],
    middleware: [rethrowing, rethrowing],
    exceptionHandlers: [
      [Handled, () => new PlainTextResponse("handled", { status: 409 })],
      [Error, errorHandler.handler],
    ],
    onError: spy.onError,
  });
  return { app, spy, errorHandler, midway, client: quietClient(app) };
}

/** Collects unhandled rejections while `body` runs, where the runtime lets us listen. */
export async function unhandledDuring(
  options: HttpSuiteOptions,
  body: () => Promise<void>,
): Promise<unknown[]> {
  const seen: unknown[] = [];
  const stop = options.watchUnhandledRejections?.((reason) => seen.push(reason));
  try {
    await body();
    await settle();
    await settle();
  } finally {
    stop?.();
  }
  return seen;
}

export function reportingSuite({ describe, it }: SuiteApi, options: HttpSuiteOptions): void {
  describe("reporting", () => {
    it("S-REP-1: an unhandled error is reported once, as onError(error, request)", async () => {
      const { client, spy } = reportingApp();
      await client.post("/boom?x=1");
      assert.equal(spy.errors.length, 0, "a 405 is a handled exception");
      const response = await client.get("/boom?x=1");
      assert.equal(response.status, 500);
      assert.equal(spy.errors.length, 1, "through two re-throwing middleware, still once");
      assert.equal((spy.errors[0] as Error).message, "boom");
      assert.equal(spy.requests[0]?.method, "GET");
      assert.equal(spy.requests[0]?.url, "http://testserver/boom?x=1");
    });

    it("S-REP-1: an error inside a mounted app sharing the reporter is reported once", async () => {
      const { client, spy } = reportingApp();
      assert.equal((await client.get("/child/boom")).status, 500);
      assert.equal(spy.errors.length, 1);
    });

    it("S-REP-1: a 500 handler re-throwing the same error does not report it twice", async () => {
      const spy = reportSpy();
      const app = new App({
        routes: [new Route("/", boom)],
        exceptionHandlers: [
          [
            Error,
            (_request, error) => {
              throw error;
            },
          ],
        ],
        onError: spy.onError,
      });
      const response = await quietClient(app).get("/");
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "Internal Server Error");
      assert.equal(spy.errors.length, 1);
    });

    it("S-REP-1: the same error object failing two requests is reported for each", async () => {
      // A module-level promise that rejected once (say, a failed connection) throws
      // the same error object into every request that awaits it.
      const spy = reportSpy();
      const failed = Promise.reject(new Error("database unreachable"));
      failed.catch(() => {});
      const app = new App({
        routes: [new Route("/", async () => (await failed) as Response)],
        onError: spy.onError,
      });
      const client = quietClient(app);
      assert.equal((await client.get("/")).status, 500);
      assert.equal((await client.get("/")).status, 500);
      assert.equal(spy.errors.length, 2);
      assert.equal(spy.errors[0], spy.errors[1]);
    });

    it("S-REP-1: one error object shared by requests in flight together is reported once for each", () => {
      const reportedFor: Request[] = [];
      const shared = new Error("database unreachable");
      const [a, b, c] = ["a", "b", "c"].map((path) => new Request(`http://testserver/${path}`));
      for (const request of [a, b, a, c, b, c, a]) {
        reportOnce((_error, req) => reportedFor.push(req), shared, request as Request);
      }
      assert.deepEqual(reportedFor, [a, b, c]);
    });

    it("S-REP-1: a request's context lists what it reported: once per context", () => {
      const reported: unknown[] = [];
      const reporter = (error: unknown) => reported.push(error);
      const shared = new Error("database unreachable");
      const request = new Request("http://testserver/");
      const ledger = () => ({ firstReported: undefined, moreReported: undefined });
      const [first, second] = [ledger(), ledger()];
      for (const each of [first, first, second, first, second]) {
        reportOnce(reporter, shared, request, each);
      }
      // A second and a third error of the same request: each once as well.
      const [cache, queue] = [new Error("cache unreachable"), new Error("queue full")];
      for (const error of [cache, queue, cache, shared, queue]) {
        reportOnce(reporter, error, request, first);
      }
      const text = "a thrown string is not an object: always reported";
      reportOnce(reporter, text, request, first);
      reportOnce(reporter, text, request, first);
      assert.deepEqual(reported, [shared, shared, cache, queue, text, text]);
    });

    it("S-REP-1: handled exceptions are not reported", async () => {
      const { client, spy } = reportingApp();
      assert.equal((await client.get("/not-found")).status, 404);
      assert.equal((await client.get("/handled")).status, 409);
      assert.equal((await client.get("/nowhere")).status, 404);
      assert.deepEqual(spy.errors, []);
    });

    it("S-REP-1: the default reporter writes the error to console.error", async () => {
      const app = new App({ routes: [new Route("/", boom)] });
      const logged: unknown[][] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => {
        logged.push(args);
      };
      try {
        await quietClient(app).get("/");
      } finally {
        console.error = original;
      }
      assert.equal(logged.length, 1);
      const error = logged[0]?.find((arg) => arg instanceof Error) as Error | undefined;
      assert.equal(error?.message, "boom");
    });

    it("S-REP-1, S-REP-4: a promise onError returns is handed to waitUntil; its rejection goes to console.error", async () => {
      const reported: string[] = [];
      const onError = async (error: unknown) => {
        await settle();
        reported.push((error as Error).message);
        throw new Error("the log service is down");
      };
      const app = new App({ routes: [new Route("/", boom)], onError });
      const pending: Promise<unknown>[] = [];
      const executionCtx = { waitUntil: (promise: Promise<unknown>) => pending.push(promise) };
      const logged: unknown[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => logged.push(...args);
      try {
        const unhandled = await unhandledDuring(options, async () => {
          const response = await app.fetch(new Request("http://testserver/"), {}, executionCtx);
          assert.equal(response.status, 500);
          await Promise.all(pending);
        });
        assert.deepEqual(unhandled, []);
      } finally {
        console.error = original;
      }
      assert.deepEqual(reported, ["boom"], "the report ran to its end within waitUntil");
      const printed = logged.filter((arg) => arg instanceof Error).map((arg) => arg.message);
      assert.deepEqual(printed, ["the log service is down", "boom"]);
    });

    it("S-REP-2: a body failing midway errors the stream; reported once, no handler runs", async () => {
      const { client, spy, errorHandler, midway } = reportingApp();
      const response = await client.get("/stream");
      assert.equal(response.status, 200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      assert.equal(new TextDecoder().decode(first.value), "first chunk");
      await assert.rejects(reader.read(), "never a clean end");
      assert.deepEqual(spy.errors, [midway]);
      assert.equal(errorHandler.calls.length, 0);
    });

    it("S-REP-2: reading the whole broken body rejects instead of ending cleanly", async () => {
      const { client, spy, midway } = reportingApp();
      const response = await client.get("/stream");
      await assert.rejects(response.text());
      assert.deepEqual(spy.errors, [midway]);
    });

    it("S-REP-3: a client gone while its body is read is not reported as a server error", async () => {
      const { client, spy, errorHandler } = reportingApp();
      const response = await client.request("POST", "/read", vanishingBody());
      assert.ok(response.status >= 400, `an error status, got ${response.status}`);
      assert.deepEqual(spy.errors, []);
      assert.equal(errorHandler.calls.length, 0);
    });

    it("S-REP-3: a client cancelling a response body midway is not reported", async () => {
      const { app, spy } = reportingApp();
      for (const path of ["/slow-stream", "/not-found", "/boom"]) {
        const response = await app.fetch(new Request(`http://testserver${path}`));
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        await reader.read();
        await reader.cancel("the client went away");
      }
      await settle();
      assert.equal(spy.errors.length, 1, "only /boom's own error");
    });

    it("S-REP-3: a thrown ClientDisconnect is not reported, and the test client does not raise it", async () => {
      const spy = reportSpy();
      const app = new App({ routes: [new Route("/", disconnect)], onError: spy.onError });
      const response = await new TestClient(app).get("/");
      assert.ok(response.status >= 400);
      assert.deepEqual(spy.errors, []);
    });

    it("S-REP-4: failures in bodies, tasks and handlers never become unhandled rejections", async () => {
      const { app } = reportingApp();
      const pending: Promise<unknown>[] = [];
      const executionCtx = { waitUntil: (promise: Promise<unknown>) => pending.push(promise) };
      const call = (path: string, init?: RequestInit) =>
        app.fetch(new Request(`http://testserver${path}`, init), {}, executionCtx);
      const unhandled = await unhandledDuring(options, async () => {
        await assert.rejects((await call("/stream")).text());
        await (await call("/slow-stream")).body?.cancel("the client went away");
        assert.equal((await call("/boom")).status, 500);
        assert.equal((await call("/background-fails")).status, 200);
        assert.ok((await call("/read", vanishingBody())).status >= 400);
        // What the runtime is handed to keep alive must never reject.
        for (const outcome of await Promise.allSettled(pending)) {
          assert.equal(outcome.status, "fulfilled");
        }
      });
      assert.deepEqual(unhandled, []);
    });
  });
}
