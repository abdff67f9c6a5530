import assert from "node:assert/strict";
import { App } from "../../../src/app.ts";
import { HTTPException } from "../../../src/exceptions.ts";
import { PlainTextResponse } from "../../../src/responses.ts";
import { Mount, Route } from "../../../src/routing/route.ts";
import { Router } from "../../../src/routing/router.ts";
import type { Middleware } from "../../../src/types.ts";
import type { SuiteApi } from "../api.ts";
import { handlerSpy, quietClient, reportSpy } from "./support.ts";

const hello = () => new PlainTextResponse("hello");
const boom = () => {
  throw new Error("boom");
};
const notFound = () => {
  throw new HTTPException(404);
};
const serverErrorException = () => {
  throw new HTTPException(500, "handled 500");
};
const THROWN_VALUES: Array<[string, unknown]> = [
  ["a string", "a thrown string"],
  ["an object", { code: "E_OBJECT" }],
  ["undefined", undefined],
];

/** Records `name:in` / `name:out` around the next layer. */
function tracing(name: string, trace: string[]): Middleware {
  return (next) => async (request, ctx) => {
    trace.push(`${name}:in`);
    const response = await next(request, ctx);
    trace.push(`${name}:out ${response.status}`);
    return response;
  };
}

/** Records what reaches it from inside: a response, or an exception (then re-thrown). */
function observing(seen: unknown[]): Middleware {
  return (next) => async (request, ctx) => {
    try {
      const response = await next(request, ctx);
      seen.push(response.status);
      return response;
    } catch (error) {
      seen.push(error);
      throw error;
    }
  };
}

const addCors: Middleware = (next) => async (request, ctx) => {
  const response = await next(request, ctx);
  const headers = new Headers(response.headers);
  headers.set("access-control-allow-origin", "*");
  return new Response(response.body, { status: response.status, headers });
};

function requireAuth(): Middleware {
  return (next) => async (request, ctx) => {
    if (!request.headers.has("authorization")) {
      throw new HTTPException(401, "log in first", { "www-authenticate": "Bearer" });
    }
    return next(request, ctx);
  };
}

/**
 * How many frames sit between the frame of `endpoint` and the next frame in
 * this file (its caller), whatever the engine prints: JSC names some
 * functions `<anonymous>`, so the caller is found by its file.
 */
function framesUnder(stack: string, endpoint: string): number {
  const frames = stack.split("\n").filter((line) => /^\s*at /.test(line));
  const from = frames.findIndex((line) => line.includes(endpoint));
  const to = frames.findIndex((line, index) => index > from && line.includes("layers.ts"));
  assert.ok(from >= 0 && to > from, `both frames in:\n${stack}`);
  return to - from - 1;
}

export function layersSuite({ describe, it }: SuiteApi): void {
  describe("layers", () => {
    // V8 records up to ten frames in every Error, at about 0.2 µs each: the
    // frames edgelette puts under an endpoint are a budget, pinned here.
    it("S-EXC-6: an endpoint runs at most two framework frames deep in an app without middleware", () => {
      let stack = "";
      function endpointWhereAmI() {
        stack = String(new Error("where am I").stack);
        return new PlainTextResponse("ok");
      }
      const app = new App({ routes: [new Route("/", endpointWhereAmI)] });
      function callerOfTheApp() {
        const answer = app.fetch(new Request("http://test/"));
        return answer; // not a tail call: JSC drops the frame of one
      }
      callerOfTheApp();
      const frames = framesUnder(stack, "endpointWhereAmI");
      assert.ok(frames <= 2, `${frames} framework frames under the endpoint:\n${stack}`);
    });

    it("S-LAY-1: the first middleware listed is outermost, around the exception layer", async () => {
      const trace: string[] = [];
      const app = new App({
        routes: [new Route("/", hello), new Route("/missing", notFound)],
        middleware: [tracing("first", trace), tracing("second", trace)],
      });
      const client = quietClient(app);
      await client.get("/");
      assert.deepEqual(trace, ["first:in", "second:in", "second:out 200", "first:out 200"]);
      trace.length = 0;
      // ExceptionMiddleware sits inside user middleware: they see the 404 as a response.
      await client.get("/missing");
      assert.deepEqual(trace, ["first:in", "second:in", "second:out 404", "first:out 404"]);
    });

    it("S-LAY-1: ServerErrorMiddleware sits outside user middleware, which see the raw error", async () => {
      const seen: unknown[] = [];
      const spy = reportSpy();
      const app = new App({
        routes: [new Route("/boom", boom)],
        middleware: [observing(seen)],
        onError: spy.onError,
      });
      const response = await quietClient(app).get("/boom");
      assert.equal(response.status, 500);
      assert.equal(seen.length, 1);
      assert.equal((seen[0] as Error).message, "boom");
      assert.deepEqual(spy.errors, seen);
    });

    it("S-LAY-2: Error and 500 handlers act in the outer layer, after user middleware", async () => {
      for (const key of [Error, 500] as const) {
        const seen: unknown[] = [];
        const app = new App({
          routes: [new Route("/boom", boom)],
          middleware: [observing(seen)],
          exceptionHandlers: [[key, () => new PlainTextResponse("outer handler", { status: 503 })]],
          onError: reportSpy().onError,
        });
        const response = await quietClient(app).get("/boom");
        assert.equal(response.status, 503);
        assert.equal(await response.text(), "outer handler");
        assert.ok(seen[0] instanceof Error, `middleware saw the error, not a response (${key})`);
      }
    });

    it("S-LAY-2: key 500 renders HTTPException(500) as a handled exception, not reported", async () => {
      const seen: unknown[] = [];
      const spy = reportSpy();
      const app = new App({
        routes: [new Route("/handled-500", serverErrorException)],
        middleware: [observing(seen)],
        exceptionHandlers: {
          500: (_req, exc) => new PlainTextResponse(`500 handler: ${exc.detail}`, { status: 500 }),
        },
        onError: spy.onError,
      });
      const response = await quietClient(app).get("/handled-500");
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "500 handler: handled 500");
      assert.deepEqual(seen, [500], "the inner layer answered it");
      assert.deepEqual(spy.errors, []);
    });

    it("S-LAY-2: with both 500 and Error registered, Error answers unhandled errors", async () => {
      const app = new App({
        routes: [new Route("/boom", boom)],
        exceptionHandlers: [
          [500, () => new PlainTextResponse("500 handler", { status: 500 })],
          [Error, () => new PlainTextResponse("Error handler", { status: 500 })],
        ],
        onError: reportSpy().onError,
      });
      assert.equal(await (await quietClient(app).get("/boom")).text(), "Error handler");
    });

    it("S-LAY-3: try/catch around next() sees unhandled errors; a re-throw still gives a 500", async () => {
      const caught: unknown[] = [];
      const spy = reportSpy();
      const logging: Middleware = (next) => async (request, ctx) => {
        try {
          return await next(request, ctx);
        } catch (error) {
          caught.push(error);
          throw error;
        }
      };
      const recovering: Middleware = (next) => async (request, ctx) => {
        try {
          return await next(request, ctx);
        } catch {
          return new PlainTextResponse("recovered", { status: 503 });
        }
      };
      const logged = new App({
        routes: [new Route("/boom", boom)],
        middleware: [logging],
        onError: spy.onError,
      });
      const response = await quietClient(logged).get("/boom");
      assert.equal(response.status, 500);
      assert.equal(caught.length, 1);
      assert.deepEqual(spy.errors, caught);
      const recovered = new App({ routes: [new Route("/boom", boom)], middleware: [recovering] });
      const answer = await quietClient(recovered).get("/boom");
      assert.equal(answer.status, 503);
      assert.equal(await answer.text(), "recovered");
    });

    it("S-LAY-4: an HTTPException from middleware goes through the handler table", async () => {
      const spy = reportSpy();
      const app = new App({
        routes: [new Route("/", hello)],
        middleware: [requireAuth()],
        exceptionHandlers: {
          401: (_req, exc) =>
            new PlainTextResponse(`custom: ${exc.detail}`, { status: 401, headers: exc.headers }),
        },
        onError: spy.onError,
      });
      const client = quietClient(app);
      const denied = await client.get("/");
      assert.equal(denied.status, 401);
      assert.equal(await denied.text(), "custom: log in first");
      assert.equal(denied.headers.get("www-authenticate"), "Bearer");
      assert.deepEqual(spy.errors, []);
      assert.equal((await client.get("/", { headers: { authorization: "Bearer t" } })).status, 200);
    });

    it("S-LAY-4: without a custom handler a middleware HTTPException gets the default response", async () => {
      const app = new App({ routes: [new Route("/", hello)], middleware: [requireAuth()] });
      const denied = await quietClient(app).get("/");
      assert.equal(denied.status, 401);
      assert.equal(await denied.text(), "log in first");
    });

    it("S-LAY-5: outerMiddleware decorates 500 responses too (CORS on an error)", async () => {
      const app = new App({
        routes: [new Route("/boom", boom), new Route("/", hello), new Route("/missing", notFound)],
        outerMiddleware: [addCors],
        onError: reportSpy().onError,
      });
      const client = quietClient(app);
      for (const path of ["/boom", "/", "/missing", "/nowhere"]) {
        const response = await client.get(path);
        assert.equal(response.headers.get("access-control-allow-origin"), "*", path);
      }
      const failed = await client.get("/boom");
      assert.equal(failed.status, 500);
      assert.equal(await failed.text(), "Internal Server Error");
    });

    it("S-LAY-5: an error thrown by outerMiddleware itself is still a reported safe 500", async () => {
      const spy = reportSpy();
      const failing: Middleware = () => async () => {
        throw new Error("outer failure");
      };
      const app = new App({
        routes: [new Route("/", hello)],
        outerMiddleware: [failing],
        onError: spy.onError,
      });
      const response = await quietClient(app).get("/");
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "Internal Server Error");
      assert.equal(spy.errors.length, 1);
    });

    it("S-BAD-3: with requestTimeout, a request that never settles is a 503 (504 behind a mount), reported once with its route", async () => {
      const spy = reportSpy();
      const never = () => new Promise<Response>(() => {});
      const app = new App({
        routes: [new Route("/hang/{id:int}", never), new Mount("/upstream", never)],
        outerMiddleware: [(next) => (request, ctx) => next(request, ctx)],
        onError: spy.onError,
        requestTimeout: 30,
      });
      const stuck = await app.fetch(new Request("http://test/hang/7"));
      assert.equal(stuck.status, 503);
      const upstream = await app.fetch(new Request("http://test/upstream/x"));
      assert.equal(upstream.status, 504);
      assert.equal(spy.errors.length, 2);
      assert.match(String((spy.errors[0] as Error).message), /\/hang\/\{id:int\}/);
      assert.equal(
        (await app.fetch(new Request("http://test/hang/x"))).status,
        404,
        "misses unaffected",
      );
      assert.throws(() => new App({ requestTimeout: -1 }), /requestTimeout/);
    });

    it("S-LAY-5: outerMiddleware that forgets to return is a reported safe 500, not undefined", async () => {
      const spy = reportSpy();
      const forgetful: Middleware = (next) => async (request, ctx) => {
        await next(request, ctx); // no `return`
        return undefined as unknown as Response;
      };
      const app = new App({
        routes: [new Route("/", hello)],
        outerMiddleware: [forgetful],
        onError: spy.onError,
      });
      const response = await app.fetch(new Request("http://test/"));
      assert.ok(response instanceof Response);
      assert.equal(response.status, 500);
      assert.equal(spy.errors.length, 1);
      assert.match(String((spy.errors[0] as Error).message), /not a Response/);
    });

    it("S-LAY-6: a thrown Proxy whose traps throw is a 500, reported once as itself", async () => {
      const spy = reportSpy();
      const trap = () => {
        throw new Error("trap");
      };
      const hostile = new Proxy(
        {},
        {
          get: trap,
          getPrototypeOf: trap,
          has: trap,
          ownKeys: trap,
          getOwnPropertyDescriptor: trap,
        },
      );
      const app = new App({
        routes: [
          new Route("/", () => {
            throw hostile;
          }),
        ],
        middleware: [observing([])],
        onError: spy.onError,
      });
      const bare = new App({
        routes: [
          new Route("/", () => {
            throw hostile;
          }),
        ],
        onError: spy.onError,
      });
      for (const each of [app, bare]) {
        const response = await each.fetch(new Request("http://test/"));
        assert.equal(response.status, 500);
        assert.equal(await response.text(), "Internal Server Error");
      }
      assert.equal(spy.errors.length, 2);
      assert.ok(spy.errors.every((error) => error === hostile));
    });

    for (const [label, value] of THROWN_VALUES) {
      it(`S-LAY-6: throwing ${label} is an unhandled error: 500, reported, Error handler called`, async () => {
        const spy = reportSpy();
        const errorHandler = handlerSpy(
          () => new PlainTextResponse("Error handler", { status: 500 }),
        );
        const endpoint = () => {
          throw value;
        };
        const app = new App({
          routes: [new Route("/", endpoint)],
          exceptionHandlers: [[Error, errorHandler.handler]],
          onError: spy.onError,
        });
        const response = await quietClient(app).get("/");
        assert.equal(response.status, 500);
        assert.equal(await response.text(), "Error handler");
        assert.equal(spy.errors.length, 1);
        assert.equal(spy.errors[0], value);
        assert.equal(errorHandler.calls.length, 1);
        assert.equal(errorHandler.calls[0]?.exc, value);
      });
    }

    it("S-LAY-6: a thrown non-Error reaches the 500 handler, or the safe default", async () => {
      for (const [label, value] of THROWN_VALUES) {
        const endpoint = () => {
          throw value;
        };
        const withStatus = new App({
          routes: [new Route("/", endpoint)],
          exceptionHandlers: { 500: () => new PlainTextResponse("500 handler", { status: 500 }) },
          onError: reportSpy().onError,
        });
        assert.equal(await (await quietClient(withStatus).get("/")).text(), "500 handler", label);
        const bare = new App({ routes: [new Route("/", endpoint)], onError: reportSpy().onError });
        const response = await quietClient(bare).get("/");
        assert.equal(response.status, 500, label);
        assert.equal(await response.text(), "Internal Server Error", label);
      }
    });

    it("S-LAY-8: a mounted App uses its own handlers; a mounted Router uses the parent's", async () => {
      const parentSpy = reportSpy();
      const childSpy = reportSpy();
      const child = new App({
        routes: [new Route("/boom", boom)],
        exceptionHandlers: {
          404: () => new PlainTextResponse("child 404", { status: 404 }),
          500: () => new PlainTextResponse("child 500", { status: 500 }),
        },
        onError: childSpy.onError,
      });
      const router = new Router([new Route("/boom", boom)]);
      const parent = new App({
        routes: [new Mount("/child", child), new Mount("/router", router)],
        exceptionHandlers: {
          404: () => new PlainTextResponse("parent 404", { status: 404 }),
          500: () => new PlainTextResponse("parent 500", { status: 500 }),
        },
        onError: parentSpy.onError,
      });
      const client = quietClient(parent);
      assert.equal(await (await client.get("/child/nowhere")).text(), "child 404");
      assert.equal(await (await client.get("/child/boom")).text(), "child 500");
      assert.equal(await (await client.get("/router/nowhere")).text(), "parent 404");
      assert.equal(await (await client.get("/router/boom")).text(), "parent 500");
      assert.equal(await (await client.get("/nowhere")).text(), "parent 404");
      assert.equal(childSpy.errors.length, 1, "the child reports its own error");
      assert.equal(parentSpy.errors.length, 1, "the parent reports only the router's");
    });

    it("S-LAY-8: through a mounted Router, a sync endpoint and a miss are answered at once", async () => {
      const parent = new App({
        routes: [new Mount("/api", new Router([new Route("/hello", hello)]))],
        exceptionHandlers: { 404: () => new PlainTextResponse("parent 404", { status: 404 }) },
      });
      // No promise between a synchronous endpoint (or a 404) and the caller.
      const found = parent.fetch(new Request("http://testserver/api/hello"));
      const missed = parent.fetch(new Request("http://testserver/api/nowhere"));
      assert.ok(found instanceof Response);
      assert.ok(missed instanceof Response);
      assert.equal(await found.text(), "hello");
      assert.equal(await missed.text(), "parent 404");
    });

    it("S-LAY-8: an app mounted under a mounted Router still routes after its middleware awaits", async () => {
      const settle: Middleware = (next) => async (request, ctx) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return next(request, ctx);
      };
      const inner = new App({ routes: [new Route("/deep", hello)], middleware: [settle] });
      const parent = new App({
        routes: [new Mount("/api", new Router([new Mount("/v1", inner)]))],
      });
      const client = quietClient(parent);
      const [deep, missing] = await Promise.all([
        client.get("/api/v1/deep"),
        client.get("/api/v1/nowhere"),
      ]);
      assert.equal(await deep.text(), "hello");
      assert.equal(deep.status, 200);
      assert.equal(missing.status, 404);
    });
  });
}
