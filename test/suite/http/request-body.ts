import assert from "node:assert/strict";
import { App } from "../../../src/app.ts";
import { HTTPException } from "../../../src/exceptions.ts";
import { readJson } from "../../../src/request-body.ts";
import { JSONResponse } from "../../../src/responses.ts";
import { Route } from "../../../src/routing/route.ts";
import type { ExceptionHandler, Middleware } from "../../../src/types.ts";
import type { SuiteApi } from "../api.ts";
import { quietClient, reportSpy } from "./support.ts";

const LIMIT = 64;

const parseBody = async (request: Request) =>
  new JSONResponse({ parsed: await readJson(request, { limit: LIMIT }) });

function bodyApp() {
  const spy = reportSpy();
  const app = new App({
    routes: [new Route("/json", parseBody, { methods: ["POST"] })],
    onError: spy.onError,
  });
  const post = (body: BodyInit | undefined, contentType?: string) =>
    quietClient(app).post("/json", {
      body,
      headers: contentType === undefined ? {} : { "content-type": contentType },
    });
  return { app, post, spy };
}

/** An endpoint that reads the body, then fails; handlers and middleware read the body again. */
function replayApp() {
  const spy = reportSpy();
  const readsAgain: ExceptionHandler = async (request, exc: HTTPException) =>
    new JSONResponse(
      {
        status: exc.statusCode,
        text: await request.text(),
        cloned: await request.clone().text(),
        bodyUsed: request.bodyUsed,
        ...(exc.statusCode === 422 ? { json: await request.json() } : {}),
      },
      { status: exc.statusCode },
    );
  const lengthAfterNext: Middleware = (next) => async (request, ctx) => {
    const response = await next(request, ctx);
    response.headers.set("x-body-bytes", String((await request.arrayBuffer()).byteLength));
    return response;
  };
  const app = new App({
    routes: [
      new Route(
        "/validate",
        async (request) => {
          await readJson(request);
          throw new HTTPException(422, "invalid");
        },
        { methods: ["POST"] },
      ),
    ],
    middleware: [lengthAfterNext],
    exceptionHandlers: { 400: readsAgain, 422: readsAgain },
    onError: spy.onError,
  });
  const post = (body: string) =>
    quietClient(app).post("/validate", { body, headers: { "content-type": "application/json" } });
  return { post, spy };
}

export function requestBodySuite({ describe, it }: SuiteApi): void {
  describe("request bodies", () => {
    it("S-BAD-1: readJson parses a JSON body of any JSON media type", async () => {
      const { post, spy } = bodyApp();
      const types = [
        "application/json",
        "Application/JSON; charset=utf-8",
        "application/vnd.api+json",
      ];
      for (const type of types) {
        const response = await post('{"a":[1,2]}', type);
        assert.equal(response.status, 200, type);
        assert.deepEqual(await response.json(), { parsed: { a: [1, 2] } });
      }
      assert.deepEqual(spy.errors, []);
    });

    it("S-BAD-1: malformed JSON is a 400 with a clear detail, not reported", async () => {
      const { post, spy } = bodyApp();
      for (const body of ['{"a":', "not json", "{'single': 1}", ""]) {
        const response = await post(body, "application/json");
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.match(await response.text(), /JSON/);
      }
      assert.deepEqual(spy.errors, []);
    });

    it("S-BAD-1: a body with a declared Content-Length (as clients send) is read the same way", async () => {
      const { app, spy } = bodyApp();
      const post = (body: string) =>
        quietClient(app).post("/json", {
          body,
          headers: {
            "content-type": "application/json",
            "content-length": String(new TextEncoder().encode(body).byteLength),
          },
        });
      const good = await post('{"name":"Zoë","tags":[1,2]}');
      assert.equal(good.status, 200);
      assert.deepEqual(await good.json(), { parsed: { name: "Zoë", tags: [1, 2] } });
      for (const body of ['{"a":', "not json", "{'single': 1}", ""]) {
        const response = await post(body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(await response.text(), "Malformed JSON body");
      }
      const big = JSON.stringify({ padding: "x".repeat(LIMIT) });
      assert.equal((await post(big)).status, 413);
      assert.deepEqual(spy.errors, []);
    });

    it("S-BAD-1: a body over the limit is a 413", async () => {
      const { post, spy } = bodyApp();
      const big = JSON.stringify({ padding: "x".repeat(LIMIT) });
      const response = await post(big, "application/json");
      assert.equal(response.status, 413);
      assert.equal(await response.text(), "Content Too Large");
      const exact = JSON.stringify("x".repeat(LIMIT - 2)); // LIMIT bytes with the quotes
      assert.equal((await post(exact, "application/json")).status, 200);
      assert.deepEqual(spy.errors, []);
    });

    it("S-BAD-1: a streamed body over the limit is a 413, and reading stops there", async () => {
      const { spy, app } = bodyApp();
      const chunk = new TextEncoder().encode(`"${"x".repeat(LIMIT)}`);
      const available = 1000;
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < available) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const response = await quietClient(app).post("/json", {
        body: stream,
        headers: { "content-type": "application/json" },
        duplex: "half",
      } as RequestInit);
      assert.equal(response.status, 413);
      assert.ok(sent < available, `stopped after ${sent} chunks`);
      assert.deepEqual(spy.errors, []);
    });

    it("S-BAD-1: a limit that is not a positive integer is a RangeError at the call", () => {
      const request = new Request("http://testserver/json", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      for (const limit of [0, -1, 1.5, Number.NaN, "64" as unknown as number]) {
        assert.throws(() => readJson(request, { limit }), {
          name: "RangeError",
          message: /readJson limit must be a positive integer/,
        });
      }
    });

    it("S-BAD-1: another content type, or none, is a 415", async () => {
      const { post, spy } = bodyApp();
      for (const type of [
        "text/plain",
        "application/x-www-form-urlencoded",
        "jsonish",
        undefined,
      ]) {
        const response = await post('{"a":1}', type);
        assert.equal(response.status, 415, String(type));
      }
      assert.deepEqual(spy.errors, []);
    });

    it("S-BAD-1: after readJson, a handler and middleware read the body again (text, json, clone, arrayBuffer)", async () => {
      const { post, spy } = replayApp();
      const response = await post('{"name":"é"}');
      assert.equal(response.status, 422);
      assert.deepEqual(await response.json(), {
        status: 422,
        text: '{"name":"é"}',
        cloned: '{"name":"é"}',
        bodyUsed: false,
        json: { name: "é" },
      });
      assert.equal(response.headers.get("x-body-bytes"), "13");
      assert.deepEqual(spy.errors, []);
    });

    it("S-BAD-1: the 400 handler for malformed JSON reads the raw body it refused", async () => {
      const { post, spy } = replayApp();
      const response = await post("{oops");
      assert.equal(response.status, 400);
      assert.deepEqual(await response.json(), {
        status: 400,
        text: "{oops",
        cloned: "{oops",
        bodyUsed: false,
      });
      assert.deepEqual(spy.errors, []);
    });
  });
}
