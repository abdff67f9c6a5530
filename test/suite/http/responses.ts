import assert from "node:assert/strict";
import { App } from "../../../src/app.ts";
import { HTTPException } from "../../../src/exceptions.ts";
import {
  HTMLResponse,
  JSONResponse,
  PlainTextResponse,
  RedirectResponse,
} from "../../../src/responses.ts";
import { Route } from "../../../src/routing/route.ts";
import * as status from "../../../src/status.ts";
import type { ExceptionHandler, Middleware } from "../../../src/types.ts";
import type { SuiteApi } from "../api.ts";
import { handlerSpy, mediaType, quietClient, reportSpy, textPlain } from "./support.ts";

class SecretError extends Error {
  readonly password = "hunter2";
}

const raise = (exc: unknown) => () => {
  throw exc;
};

/** An app whose single route `/` throws `exc`. */
function throwing(
  exc: unknown,
  options: { handler?: ExceptionHandler; middleware?: Middleware[] } = {},
) {
  const spy = reportSpy();
  const app = new App({
    routes: [new Route("/", raise(exc))],
    exceptionHandlers: options.handler ? [[Error, options.handler]] : undefined,
    middleware: options.middleware,
    onError: spy.onError,
  });
  return { client: quietClient(app), spy };
}

export function responsesSuite({ describe, it }: SuiteApi): void {
  describe("default responses", () => {
    it("S-RES-1: an HTTPException answers text/plain with its detail, status and headers", async () => {
      const { client } = throwing(new HTTPException(429, "slow down", { "retry-after": "30" }));
      const response = await client.get("/");
      assert.equal(response.status, 429);
      assert.equal(mediaType(response.headers.get("content-type")), textPlain());
      assert.equal(response.headers.get("retry-after"), "30");
      assert.equal(await response.text(), "slow down");
    });

    it("S-RES-1: content headers given in exc.headers win over the defaults", async () => {
      const exc = new HTTPException(400, "# bad", { "content-type": "text/markdown" });
      const response = await throwing(exc).client.get("/");
      assert.equal(response.headers.get("content-type"), "text/markdown");
      assert.equal(await response.text(), "# bad");
    });

    it("S-RES-2: 204 and 304 answer without a body or content-type, with only exc.headers", async () => {
      for (const code of [204, 304]) {
        const exc = new HTTPException(code, undefined, { etag: '"v1"' });
        const response = await throwing(exc).client.get("/");
        assert.equal(response.status, code);
        assert.equal(response.body, null, `no body for ${code}`);
        assert.equal(response.headers.get("content-type"), null);
        assert.equal(response.headers.get("etag"), '"v1"');
      }
    });

    it("S-RES-3: a non-string detail renders as application/json {detail}", async () => {
      const details: unknown[] = [{ errors: [{ field: "name" }] }, [1, "two"], 42, true];
      for (const detail of details) {
        const response = await throwing(new HTTPException(422, detail)).client.get("/");
        assert.equal(response.status, 422);
        assert.equal(response.headers.get("content-type"), "application/json");
        assert.deepEqual(await response.json(), { detail });
      }
    });

    it("S-RES-4: an unhandled error answers a plain 500 that reveals nothing about it", async () => {
      const error = new SecretError("db password is hunter2");
      const { client, spy } = throwing(error);
      const response = await client.get("/");
      assert.equal(response.status, 500);
      assert.equal(mediaType(response.headers.get("content-type")), textPlain());
      const body = await response.text();
      assert.equal(body, "Internal Server Error");
      const headerText = [...response.headers].join("\n");
      assert.doesNotMatch(headerText, /hunter2|SecretError/);
      assert.deepEqual(spy.errors, [error]);
    });

    it("S-RES-5: the 500 handler gets (request, error, ctx) and its response is sent as is", async () => {
      const error = new Error("for the handler");
      const handler = handlerSpy(
        () => new JSONResponse({ oops: true }, { status: 503, headers: { "retry-after": "5" } }),
      );
      const tagRequest: Middleware = (next) => (request, ctx) => {
        ctx.state.requestId = "req-1";
        return next(request, ctx);
      };
      const { client } = throwing(error, { handler: handler.handler, middleware: [tagRequest] });
      const response = await client.get("/?q=1");
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("retry-after"), "5");
      assert.deepEqual(await response.json(), { oops: true });
      assert.equal(handler.calls.length, 1);
      const call = handler.calls[0];
      assert.ok(call?.request instanceof Request);
      assert.equal(call.request.url, "http://testserver/?q=1");
      assert.equal(call.exc, error);
      const ctx = call.ctx as { state: Record<string, unknown>; waitUntil: unknown };
      assert.equal(ctx.state.requestId, "req-1");
      assert.equal(typeof ctx.waitUntil, "function");
    });

    it("S-RES-6: a 500 handler that throws: safe 500, both errors reported", async () => {
      const error = new Error("original");
      const handlerError = new Error("handler failed too");
      const { client, spy } = throwing(error, { handler: raise(handlerError) });
      const response = await client.get("/");
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "Internal Server Error");
      assert.equal(spy.errors.length, 2);
      assert.ok(spy.errors.includes(error));
      assert.ok(spy.errors.includes(handlerError));
    });

    it("S-RES-6: a 500 handler that returns a non-Response: safe 500, both reported", async () => {
      const error = new Error("original");
      const handler = (() => "not a response") as unknown as ExceptionHandler;
      const { client, spy } = throwing(error, { handler });
      const response = await client.get("/");
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "Internal Server Error");
      assert.equal(spy.errors.length, 2);
      assert.equal(spy.errors[0], error);
      assert.match(String((spy.errors[1] as Error).message), /not a Response/);
    });
  });

  describe("responses that cannot be sent", () => {
    it("S-RES-4: a response whose body was already taken is a reported safe 500, sync or async", async () => {
      const spent = () => {
        const response = new Response(new ReadableStream({ start: (c) => c.enqueue("x") }));
        response.body?.getReader(); // locks the body: it can no longer be sent
        return response;
      };
      const spy = reportSpy();
      const app = new App({
        routes: [new Route("/sync", spent), new Route("/async", async () => spent())],
        onError: spy.onError,
      });
      for (const path of ["/sync", "/async"]) {
        const response = await app.fetch(new Request(`http://testserver${path}`));
        assert.equal(response.status, 500, path);
        assert.equal(await response.text(), "Internal Server Error");
      }
      assert.equal(spy.errors.length, 2);
      assert.ok(spy.errors.every((error) => error instanceof TypeError));
    });
  });

  describe("response classes", () => {
    it("S-RES-8: JSONResponse is application/json; undefined is sent as null", async () => {
      const response = new JSONResponse({ id: 1 }, { status: 201, headers: { "x-a": "b" } });
      assert.ok(response instanceof Response);
      assert.equal(response.status, 201);
      assert.equal(response.headers.get("content-type"), "application/json");
      assert.equal(response.headers.get("x-a"), "b");
      assert.deepEqual(await response.json(), { id: 1 });
      assert.equal(await new JSONResponse(undefined).text(), "null");
    });

    it("S-RES-8: PlainTextResponse and HTMLResponse set their content types unless given one", async () => {
      const text = new PlainTextResponse("hi");
      assert.equal(mediaType(text.headers.get("content-type")), textPlain());
      // Amended: the runtime's own type for a string body, spelled as the runtime spells it.
      assert.equal(text.headers.get("content-type"), new Response("").headers.get("content-type"));
      assert.equal(await text.text(), "hi");
      const html = new HTMLResponse("<p>hi</p>");
      assert.match(String(html.headers.get("content-type")), /^text\/html/);
      assert.equal(await html.text(), "<p>hi</p>");
      const csv = new PlainTextResponse("a,b", { headers: { "content-type": "text/csv" } });
      assert.equal(csv.headers.get("content-type"), "text/csv");
    });

    it("S-RES-8: each response has its own headers, though the defaults are shared", () => {
      const decorated = new PlainTextResponse("a");
      decorated.headers.set("x-request-id", "1");
      decorated.headers.set("content-type", "text/csv");
      const json = new JSONResponse({});
      json.headers.append("vary", "origin");
      const next = new PlainTextResponse("b");
      assert.equal(next.headers.get("x-request-id"), null);
      assert.equal(mediaType(next.headers.get("content-type")), textPlain());
      assert.equal(new JSONResponse({}).headers.get("vary"), null);
      assert.equal(new HTMLResponse("").headers.get("x-request-id"), null);
    });

    it("S-RES-8: RedirectResponse is a 307 by default with Location exactly as given", () => {
      const relative = new RedirectResponse("/login?next=%2Fhome");
      assert.ok(relative instanceof Response);
      assert.equal(relative.status, 307);
      assert.equal(relative.headers.get("location"), "/login?next=%2Fhome");
      const moved = new RedirectResponse("https://example.com/new", 301);
      assert.equal(moved.status, 301);
      assert.equal(moved.headers.get("location"), "https://example.com/new");
      assert.throws(() => new RedirectResponse("/x", 200), { name: "RangeError", message: /301/ });
    });

    it("S-RES-9: status constants carry RFC 9110 names, old names as aliases, and phrases", () => {
      assert.equal(status.HTTP_404_NOT_FOUND, 404);
      assert.equal(status.HTTP_413_CONTENT_TOO_LARGE, 413);
      assert.equal(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, 413);
      assert.equal(status.HTTP_422_UNPROCESSABLE_CONTENT, 422);
      assert.equal(status.HTTP_422_UNPROCESSABLE_ENTITY, 422);
      assert.equal(status.WS_1008_POLICY_VIOLATION, 1008);
      assert.equal(status.WS_1011_INTERNAL_ERROR, 1011);
      assert.equal(status.phrase(404), "Not Found");
      assert.equal(status.phrase(413), "Content Too Large");
      assert.equal(status.phrase(599), "");
    });
  });
}
