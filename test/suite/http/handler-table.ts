import assert from "node:assert/strict";
import { App } from "../../../src/app.ts";
import { HTTPException, WebSocketException } from "../../../src/exceptions.ts";
import type { HandlerEntries } from "../../../src/handler-table.ts";
import { ExceptionMiddleware } from "../../../src/middleware/exceptions.ts";
import { PlainTextResponse } from "../../../src/responses.ts";
import { Route } from "../../../src/routing/route.ts";
import type { ExceptionHandler } from "../../../src/types.ts";
import type { SuiteApi } from "../api.ts";
import { quietClient, reportSpy } from "./support.ts";

class A extends Error {}
class B extends A {}
class C extends B {}
class NotFoundError extends HTTPException {}
class StatusLike extends Error {
  readonly statusCode = 404;
}

const throwC = () => {
  throw new C("c");
};
const throwNotFoundError = () => {
  throw new NotFoundError(404, "no such thing");
};
const throwStatusLike = () => {
  throw new StatusLike("looks like a 404");
};
const throw404 = () => {
  throw new HTTPException(404);
};
const throwTeapot = () => {
  throw new HTTPException(418);
};
const throwWebSocketException = () => {
  throw new WebSocketException(4001, "not here");
};
const throwTypeError = () => {
  throw new TypeError("nobody handles me");
};

const ROUTES = [
  new Route("/c", throwC),
  new Route("/not-found-error", throwNotFoundError),
  new Route("/status-like", throwStatusLike),
  new Route("/404", throw404),
  new Route("/teapot", throwTeapot),
  new Route("/ws-exception", throwWebSocketException),
  new Route("/type-error", throwTypeError),
];

/** An app over ROUTES with the given handlers and an `onError` spy. */
function appWith(exceptionHandlers?: HandlerEntries) {
  const spy = reportSpy();
  const app = new App({ routes: ROUTES, exceptionHandlers, onError: spy.onError });
  return { app, spy, client: quietClient(app) };
}

const answer =
  (body: string, status = 200): ExceptionHandler =>
  () =>
    new PlainTextResponse(body, { status });

const notAClass = () => new Response("");
class NotAnError {}

export function handlerTableSuite({ describe, it }: SuiteApi): void {
  describe("handler lookup", () => {
    it("S-LOOK-1: a key that is not a status or an Error class is a TypeError at registration", () => {
      const badKeys: unknown[] = ["404", "oops", notAClass, NotAnError, 99, 600, 404.5, null];
      for (const key of badKeys) {
        const entries = [[key, answer("x")]] as unknown as HandlerEntries;
        assert.throws(() => new App({ exceptionHandlers: entries }), {
          name: "TypeError",
          message: /status code|Error class/,
        });
        assert.throws(() => new App().addExceptionHandler(key as number, answer("x")), TypeError);
      }
      const objectKeys = { oops: answer("x") } as unknown as HandlerEntries;
      assert.throws(() => new App({ exceptionHandlers: objectKeys }), TypeError);
    });

    it("S-LOOK-1: a handler that is not a function is a TypeError at registration", () => {
      const entries = [[404, "not a function"]] as unknown as HandlerEntries;
      assert.throws(() => new App({ exceptionHandlers: entries }), {
        name: "TypeError",
        message: /must be a function/,
      });
    });

    it("S-LOOK-2: the most specific class handler along the prototype chain runs", async () => {
      const { client, spy } = appWith([
        [A, answer("A")],
        [B, answer("B")],
      ]);
      assert.equal(await (await client.get("/c")).text(), "B");
      assert.deepEqual(spy.errors, []);
    });

    it("S-LOOK-2: an HTTPException subclass handler beats the HTTPException handler", async () => {
      const { client } = appWith([
        [HTTPException, answer("any HTTPException")],
        [NotFoundError, answer("NotFoundError", 404)],
      ]);
      const response = await client.get("/not-found-error");
      assert.equal(response.status, 404);
      assert.equal(await response.text(), "NotFoundError");
      assert.equal(await (await client.get("/teapot")).text(), "any HTTPException");
    });

    it("S-LOOK-3: a status handler beats a more specific class handler", async () => {
      const { client } = appWith([
        [NotFoundError, answer("class")],
        [404, answer("status", 404)],
      ]);
      assert.equal(await (await client.get("/not-found-error")).text(), "status");
    });

    it("S-LOOK-3: status keys match only HTTPExceptions, not errors with a statusCode", async () => {
      const { client, spy } = appWith({ 404: answer("status handler", 404) });
      const response = await client.get("/status-like");
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "Internal Server Error");
      assert.equal(spy.errors.length, 1);
      assert.ok(spy.errors[0] instanceof StatusLike);
    });

    it("S-LOOK-4: a user handler for HTTPException replaces the default", async () => {
      const { client } = appWith([[HTTPException, answer("mine", 499)]]);
      const response = await client.get("/404");
      assert.equal(response.status, 499);
      assert.equal(await response.text(), "mine");
    });

    it("S-LOOK-4: a user handler for WebSocketException replaces the default", async () => {
      const { client: defaults, spy } = appWith();
      // Outside a WebSocket endpoint the default re-throws: a bug, so a reported 500.
      assert.equal((await defaults.get("/ws-exception")).status, 500);
      assert.equal(spy.errors.length, 1);
      const { client } = appWith([[WebSocketException, answer("ws handler", 409)]]);
      const response = await client.get("/ws-exception");
      assert.equal(response.status, 409);
      assert.equal(await response.text(), "ws handler");
    });

    it("S-LOOK-5: with no handler the same value is re-thrown to the next layer out", async () => {
      const error = new TypeError("unhandled");
      const layer = new ExceptionMiddleware(() => Promise.reject(error));
      await assert.rejects(layer.fetch(new Request("http://testserver/")), (thrown) => {
        assert.equal(thrown, error);
        return true;
      });
      const { client, spy } = appWith();
      await client.get("/type-error");
      assert.equal(spy.errors.length, 1);
      assert.ok(spy.errors[0] instanceof TypeError);
      assert.equal((spy.errors[0] as Error).message, "nobody handles me");
    });

    it("S-LOOK-6: handlers added after the first request take effect", async () => {
      const { app, client } = appWith();
      assert.equal(await (await client.get("/404")).text(), "Not Found");
      assert.equal((await client.get("/c")).status, 500);
      app.addExceptionHandler(404, answer("late status handler", 404));
      app.addExceptionHandler(A, answer("late class handler", 400));
      assert.equal(await (await client.get("/404")).text(), "late status handler");
      const response = await client.get("/c");
      assert.equal(response.status, 400);
      assert.equal(await response.text(), "late class handler");
    });

    it("S-LOOK-9: handlers may be given as a Map, an array of pairs, or numeric object keys", async () => {
      const forms: HandlerEntries[] = [
        new Map<number | typeof A, ExceptionHandler>([
          [404, answer("404 handler", 404)],
          [A, answer("A handler")],
        ]),
        [
          [404, answer("404 handler", 404)],
          [A, answer("A handler")],
        ],
      ];
      for (const form of forms) {
        const { client } = appWith(form);
        assert.equal(await (await client.get("/404")).text(), "404 handler");
        assert.equal(await (await client.get("/c")).text(), "A handler");
      }
      const { client } = appWith({ 404: answer("404 handler", 404), 418: answer("teapot") });
      assert.equal(await (await client.get("/404")).text(), "404 handler");
      assert.equal(await (await client.get("/teapot")).text(), "teapot");
    });

    it("S-LOOK-7: a handler's Response is sent as is, whatever its status", async () => {
      const { client } = appWith({
        404: () => new Response("found after all", { status: 200, headers: { "x-mine": "1" } }),
        418: () => new Response(null, { status: 302, headers: { location: "/elsewhere" } }),
      });
      const ok = await client.get("/404");
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get("x-mine"), "1");
      assert.equal(await ok.text(), "found after all");
      const redirect = await client.get("/teapot", { redirect: "manual" });
      assert.equal(redirect.status, 302);
      assert.equal(redirect.headers.get("location"), "/elsewhere");
    });

    it("S-LOOK-7: a handler returning something other than a Response is reported, safe 500", async () => {
      const notResponses: unknown[] = [undefined, null, "text", { status: 404 }];
      for (const value of notResponses) {
        const handler = (() => value) as unknown as ExceptionHandler;
        const { client, spy } = appWith({ 404: handler });
        const response = await client.get("/404");
        assert.equal(response.status, 500);
        assert.equal(await response.text(), "Internal Server Error");
        assert.equal(spy.errors.length, 1, `one report when the handler returns ${String(value)}`);
        assert.match(String((spy.errors[0] as Error).message), /not a Response/);
      }
    });

    it("S-LOOK-8: a handler that throws goes to the 500 layer with the original as its cause", async () => {
      const handlerError = new Error("the handler broke");
      const { client, spy } = appWith({
        404: () => {
          throw handlerError;
        },
      });
      const response = await client.get("/404");
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "Internal Server Error");
      assert.deepEqual(spy.errors, [handlerError]);
      const cause = handlerError.cause;
      assert.ok(cause instanceof HTTPException);
      assert.equal(cause.statusCode, 404);
    });
  });
}
