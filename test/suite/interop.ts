// edgelette and Hono both ways, and problem details (S-RT-3, S-RES-7), in
// memory on every runtime: real Hono apps (the pinned `hono`), called through
// `TestClient` the way a runtime calls `fetch`.
import assert from "node:assert/strict";
import { Hono } from "hono";
import { HTTPException as HonoHTTPException } from "hono/http-exception";
import { exceptionLayers, forwardErrors } from "../../adapters/hono.ts";
import { App } from "../../src/app.ts";
import { HTTPException } from "../../src/exceptions.ts";
import { problemDetailsHandlers } from "../../src/problem.ts";
import { JSONResponse, PlainTextResponse } from "../../src/responses.ts";
import { Mount, Route } from "../../src/routing/route.ts";
import { TestClient } from "../../src/testing/index.ts";
import type { ExceptionHandler, Fetchable } from "../../src/types.ts";
import type { SuiteApi, SuiteOptions } from "./api.ts";

class QuotaError extends Error {}
class DailyQuotaError extends QuotaError {}
class HourlyQuotaError extends DailyQuotaError {}

const BROWSER =
  "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const AXIOS = "application/json, text/plain, */*";

function reportSpy() {
  const errors: unknown[] = [];
  return { errors, onError: (error: unknown) => errors.push(error) };
}

function answer(body: string, status: number): ExceptionHandler {
  return () => new PlainTextResponse(body, { status });
}

function quiet(app: Fetchable) {
  return new TestClient(app, { raiseServerExceptions: false });
}

const unauthorized = () =>
  new HonoHTTPException(401, {
    res: new Response("log in first", { headers: { "www-authenticate": 'Basic realm="x"' } }),
  });

/** A Hono app with edgelette's layers installed the documented way, and routes that throw. */
function honoWithLayers(options: { debug?: boolean } = {}) {
  const spy = reportSpy();
  const layers = exceptionLayers({
    exceptionHandlers: [
      [404, answer("edgelette 404", 404)],
      [QuotaError, answer("quota", 429)],
      [DailyQuotaError, answer("daily quota", 429)],
      [Error, answer("edgelette 500", 500)],
    ],
    onError: spy.onError,
    debug: options.debug ?? false,
  });
  const app = new Hono();
  app.use(layers).onError(layers.onError).notFound(layers.notFound);
  app.use("/after-next", async (_c, next) => {
    await next();
    throw new Error("thrown after await next()");
  });
  app.get("/missing", () => {
    throw new HTTPException(404);
  });
  app.get("/hourly", () => {
    throw new HourlyQuotaError("too many");
  });
  app.get("/boom", () => {
    throw new Error("secret: database password");
  });
  app.get("/string", () => {
    throw "a thrown string";
  });
  app.get("/hono-403", () => {
    throw new HonoHTTPException(403, { message: "no entry" });
  });
  app.get("/hono-401", () => {
    throw unauthorized();
  });
  app.get("/after-next", (c) => c.text("route ran"));
  app.get("/ok", (c) => c.text("fine"));
  return { app, spy };
}

function honoSubApp() {
  const hono = new Hono();
  hono.get("/", (c) => c.text("hono root"));
  hono.get("/echo/:name", (c) => c.json({ name: c.req.param("name"), path: c.req.path }));
  hono.get("/query", (c) => c.text(c.req.query("q") ?? ""));
  hono.get("/boom", () => {
    throw new Error("hono route failed");
  });
  hono.get("/teapot", () => {
    throw new HonoHTTPException(418, { message: "short and stout" });
  });
  hono.get("/login", () => {
    throw unauthorized();
  });
  return forwardErrors(hono);
}

/** An edgelette app mounting a Hono app, directly and one level down. */
function edgeletteWithHono() {
  const spy = reportSpy();
  const hono = honoSubApp();
  const app = new App({
    routes: [
      new Mount("/hono", hono),
      new Mount("/v1", new App({ routes: [new Mount("/legacy", hono)] })),
      new Mount("/fn", (request: Request) => new PlainTextResponse(new URL(request.url).pathname)),
      new Mount("/broken", (() => undefined) as unknown as () => Response),
    ],
    exceptionHandlers: [
      [404, answer("parent 404", 404)],
      [
        418,
        (_request, exc: HTTPException) => new JSONResponse({ teapot: exc.detail }, { status: 418 }),
      ],
      [Error, answer("parent 500", 500)],
    ],
    onError: spy.onError,
  });
  return { app, spy };
}

/** The interop suite; `options.runtime` only names the run. */
export function interopSuite(api: SuiteApi, options: SuiteOptions): void {
  const { describe, it } = api;

  describe(`edgelette inside Hono (${options.runtime})`, () => {
    it("S-RT-3: a status handler answers an HTTPException thrown by a Hono route", async () => {
      const response = await quiet(honoWithLayers().app).get("/missing");
      assert.equal(response.status, 404);
      assert.equal(await response.text(), "edgelette 404");
    });

    it("S-RT-3: class handlers follow inheritance, most specific first", async () => {
      const response = await quiet(honoWithLayers().app).get("/hourly");
      assert.equal(await response.text(), "daily quota");
    });

    it("S-RT-3: an unhandled error gets the 500 handler and is reported exactly once", async () => {
      const { app, spy } = honoWithLayers();
      const response = await quiet(app).get("/boom");
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "edgelette 500");
      assert.equal(spy.errors.length, 1);
      assert.equal((spy.errors[0] as Error).message, "secret: database password");
    });

    it("S-RT-3: a thrown non-Error is an unhandled error too (S-LAY-6)", async () => {
      const { app, spy } = honoWithLayers();
      const response = await quiet(app).get("/string");
      assert.equal(await response.text(), "edgelette 500");
      assert.deepEqual(spy.errors, ["a thrown string"]);
    });

    it("S-RT-3: an error thrown by Hono middleware after await next() is covered", async () => {
      const { app, spy } = honoWithLayers();
      const response = await quiet(app).get("/after-next");
      assert.equal(await response.text(), "edgelette 500");
      assert.equal((spy.errors[0] as Error).message, "thrown after await next()");
    });

    it("S-RT-3: Hono's HTTPException is handled with its status and message, not reported", async () => {
      const { app, spy } = honoWithLayers();
      const response = await quiet(app).get("/hono-403");
      assert.equal(response.status, 403);
      assert.equal(await response.text(), "no entry");
      assert.equal(spy.errors.length, 0);
    });

    it("S-RT-3: a custom res on Hono's HTTPException is sent with the exception's status", async () => {
      const response = await quiet(honoWithLayers().app).get("/hono-401");
      assert.equal(response.status, 401);
      assert.equal(response.headers.get("www-authenticate"), 'Basic realm="x"');
      assert.equal(await response.text(), "log in first");
    });

    it("S-RT-3: Hono's 404 goes through edgelette's 404 handler", async () => {
      const response = await quiet(honoWithLayers().app).get("/no/such/route");
      assert.equal(response.status, 404);
      assert.equal(await response.text(), "edgelette 404");
    });

    it("S-RT-3: responses of routes that succeed pass through unchanged", async () => {
      const response = await quiet(honoWithLayers().app).get("/ok");
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "fine");
    });

    it("S-RT-3: debug mode answers an unhandled error with the traceback (S-DBG-1)", async () => {
      const response = await quiet(honoWithLayers({ debug: true }).app).get("/boom");
      assert.equal(response.status, 500);
      assert.match(await response.text(), /secret: database password/);
    });
  });

  describe(`Hono inside edgelette (${options.runtime})`, () => {
    it("S-RT-3: a mounted Hono app sees the path without the prefix, query kept", async () => {
      const client = quiet(edgeletteWithHono().app);
      assert.deepEqual(await (await client.get("/hono/echo/ada")).json(), {
        name: "ada",
        path: "/echo/ada",
      });
      assert.equal(await (await client.get("/hono")).text(), "hono root");
      assert.equal(await (await client.get("/hono/query?q=a%20b")).text(), "a b");
    });

    it("S-RT-3: the prefix is stripped once inside nested mounts, encoding kept", async () => {
      const client = quiet(edgeletteWithHono().app);
      const response = await client.get("/v1/legacy/echo/caf%C3%A9%20au%20lait");
      assert.deepEqual(await response.json(), { name: "café au lait", path: "/echo/café au lait" });
      assert.equal(await (await client.get("/fn/a%2Fb/c")).text(), "/a%2Fb/c");
    });

    it("S-RT-3: an error escaping a mounted Hono app reaches the parent's layers", async () => {
      const { app, spy } = edgeletteWithHono();
      const response = await quiet(app).get("/hono/boom");
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "parent 500");
      assert.equal(spy.errors.length, 1);
      assert.equal((spy.errors[0] as Error).message, "hono route failed");
    });

    it("S-RT-3: Hono's HTTPException reaches the parent's status handler as edgelette's", async () => {
      const { app, spy } = edgeletteWithHono();
      const response = await quiet(app).get("/hono/teapot");
      assert.equal(response.status, 418);
      assert.deepEqual(await response.json(), { teapot: "short and stout" });
      assert.equal(spy.errors.length, 0);
    });

    it("S-RT-3: Hono's HTTPException with a custom res is sent as Hono sends it", async () => {
      const response = await quiet(edgeletteWithHono().app).get("/hono/login");
      assert.equal(response.status, 401);
      assert.equal(await response.text(), "log in first");
    });

    it("S-RT-3: a path the Hono app does not know gets the parent's 404 handler", async () => {
      const response = await quiet(edgeletteWithHono().app).get("/hono/nowhere");
      assert.equal(response.status, 404);
      assert.equal(await response.text(), "parent 404");
    });

    it("S-RT-3: a mounted handler that returns no Response is an error, reported", async () => {
      const { app, spy } = edgeletteWithHono();
      const response = await quiet(app).get("/broken/x");
      assert.equal(response.status, 500);
      assert.match(String(spy.errors[0]), /mounted at \/broken returned undefined/);
    });
  });

  describe(`Problem details (${options.runtime})`, () => {
    const problemApp = () => {
      const hono = new Hono();
      const layers = exceptionLayers({
        exceptionHandlers: problemDetailsHandlers(),
        onError: () => {},
      });
      hono.use(layers).onError(layers.onError).notFound(layers.notFound);
      hono.get("/invalid", () => {
        throw new HTTPException(422, [{ field: "email", message: "required" }]);
      });
      hono.get("/boom", () => {
        throw new Error("secret internals");
      });
      return quiet(
        new App({
          routes: [
            new Mount("/hono", hono),
            new Route("/gone", () => {
              throw new HTTPException(410);
            }),
          ],
          exceptionHandlers: problemDetailsHandlers(),
          onError: () => {},
        }),
      );
    };
    const accepting = (accept: string) => ({ headers: { accept } });

    it("S-RES-7: curl's */* gets application/problem+json with the standard members", async () => {
      const response = await problemApp().get("/gone", accepting("*/*"));
      assert.equal(response.status, 410);
      assert.equal(response.headers.get("content-type"), "application/problem+json");
      assert.deepEqual(await response.json(), {
        type: "about:blank",
        title: "Gone",
        status: 410,
        instance: "/gone",
      });
    });

    it("S-RES-7: axios's Accept gets application/json, a browser's gets HTML", async () => {
      const client = problemApp();
      const json = await client.get("/gone", accepting(AXIOS));
      assert.equal(json.headers.get("content-type"), "application/json");
      const html = await client.get("/gone", accepting(BROWSER));
      assert.equal(html.headers.get("content-type"), "text/html; charset=utf-8");
      assert.match(await html.text(), /<h1>410 Gone<\/h1>/);
    });

    it("S-RES-7: inside Hono, validation errors are an extension member", async () => {
      const response = await problemApp().get("/hono/invalid", accepting("application/json"));
      const body = await response.json();
      assert.equal(body.status, 422);
      assert.deepEqual(body.errors, [{ field: "email", message: "required" }]);
    });

    it("S-RES-7: an unhandled error's problem never shows the error", async () => {
      const response = await problemApp().get("/hono/boom", accepting("text/plain"));
      assert.equal(response.status, 500);
      const text = await response.text();
      assert.equal(text, "500 Internal Server Error\n");
    });
  });
}
