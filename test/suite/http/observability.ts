import assert from "node:assert/strict";
import { App } from "../../../src/app.ts";
import { HTTPException } from "../../../src/exceptions.ts";
import { observeRequest } from "../../../src/observe.ts";
import { problemDetailsHandlers } from "../../../src/problem.ts";
import type { ErrorReporter, ReportInfo } from "../../../src/reporting.ts";
import { requestId } from "../../../src/request-id.ts";
import { JSONResponse, PlainTextResponse } from "../../../src/responses.ts";
import { Route, WebSocketRoute } from "../../../src/routing/route.ts";
import { WebSocketDenialResponse } from "../../../src/testing/index.ts";
import type { Context, Middleware } from "../../../src/types.ts";
import type { WebSocketSession } from "../../../src/websocket/session.ts";
import type { SuiteApi } from "../api.ts";
import { breakingStream, quietClient, settle } from "./support.ts";

const UUID = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/;
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

const echo = (request: Request, ctx: Context) =>
  new JSONResponse({
    requestId: ctx.requestId,
    route: ctx.route,
    path: ctx.path,
    url: request.url,
  });
const crash = () => {
  throw new Error("crashed");
};
const denied = (ws: WebSocketSession) => {
  const [subprotocol] = ws.subprotocols;
  if (subprotocol === undefined) throw new HTTPException(403, "members only");
  ws.accept({ subprotocol });
  throw new Error("crashed after accept");
};

/** An app whose reporter keeps each report's info, with request ids as outer middleware. */
function observedApp(options: { outer?: Middleware[]; debug?: boolean; problems?: boolean } = {}) {
  const infos: ReportInfo[] = [];
  const onError: ErrorReporter = (_error, _request, info) => infos.push(info);
  const app = new App({
    routes: [
      new Route("/users/{id:int}", echo),
      new Route("/crash", crash),
      new Route("/redirect", () => Response.redirect("http://testserver/users/1", 307)),
      new Route("/stream", () => new Response(breakingStream("first", new Error("midway")))),
      new Route("/background", () => {
        const task = () => Promise.reject(new Error("background failed"));
        return new PlainTextResponse("accepted", { background: task });
      }),
      new WebSocketRoute("/ws/{room}", denied),
    ],
    exceptionHandlers: options.problems ? problemDetailsHandlers() : undefined,
    outerMiddleware: options.outer ?? [requestId()],
    debug: options.debug ?? false,
    onError,
  });
  return { client: quietClient(app), infos };
}

export function observabilitySuite({ describe, it }: SuiteApi): void {
  describe("request ids", () => {
    it("S-OBS-1: requestId() makes a UUID, puts it on ctx.requestId and on the response", async () => {
      const { client } = observedApp();
      const response = await client.get("/users/7?q=1");
      const id = response.headers.get("x-request-id") ?? "";
      assert.match(id, UUID);
      assert.equal(((await response.json()) as { requestId: string }).requestId, id);
      const other = await client.get("/users/7");
      assert.notEqual(other.headers.get("x-request-id"), id, "one id per request");
    });

    it("S-OBS-1: an incoming X-Request-Id that is short and safe is kept", async () => {
      const { client } = observedApp();
      const headers = { "x-request-id": "lb-7f3a:2c_9.e+/=@" };
      const response = await client.get("/users/7", { headers });
      assert.equal(response.headers.get("x-request-id"), "lb-7f3a:2c_9.e+/=@");
    });

    for (const bad of ["has space", "<script>", "a".repeat(129), 'quote"d', "semi;colon"]) {
      it(`S-OBS-1: an incoming X-Request-Id ${JSON.stringify(bad.slice(0, 20))} is replaced by a new one`, async () => {
        const { client } = observedApp();
        const response = await client.get("/users/7", { headers: { "x-request-id": bad } });
        assert.match(response.headers.get("x-request-id") ?? "", UUID);
      });
    }

    it("S-OBS-1: without an X-Request-Id, a valid traceparent's trace id is the id", async () => {
      const { client } = observedApp();
      const traceparent = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
      const response = await client.get("/users/7", { headers: { traceparent } });
      assert.equal(response.headers.get("x-request-id"), TRACE_ID);
      const zeros = `00-${"0".repeat(32)}-00f067aa0ba902b7-01`;
      const invalid = await client.get("/users/7", { headers: { traceparent: zeros } });
      assert.match(invalid.headers.get("x-request-id") ?? "", UUID);
    });

    it("S-OBS-1: trustIncoming false ignores the client's id; header and generate are options", async () => {
      let count = 0;
      const generate = () => `req-${++count}`;
      const outer = [requestId({ header: "x-trace", trustIncoming: false, generate })];
      const { client } = observedApp({ outer });
      const response = await client.get("/users/7", { headers: { "x-trace": "mine" } });
      assert.equal(response.headers.get("x-trace"), "req-1");
      assert.equal(response.headers.get("x-request-id"), null);
    });

    it("S-OBS-1: bad options fail where requestId() is called, naming the rule", () => {
      assert.throws(() => requestId({ maxLength: 0 }), /maxLength must be a positive integer/);
      assert.throws(() => requestId({ header: "x id" }), /header must be an HTTP header name/);
    });

    it("S-OBS-1: a 500 carries the id, and onError gets it with the route and kind request", async () => {
      const { client, infos } = observedApp();
      const response = await client.get("/crash", { headers: { "x-request-id": "abc-123" } });
      assert.equal(response.status, 500);
      assert.equal(response.headers.get("x-request-id"), "abc-123");
      assert.deepEqual(infos, [{ kind: "request", route: "/crash", requestId: "abc-123" }]);
    });

    it("S-OBS-1: a response with immutable headers (Response.redirect) still gets the id", async () => {
      const { client } = observedApp();
      const response = await client.get("/redirect", { redirect: "manual" });
      assert.equal(response.status, 307);
      assert.match(response.headers.get("x-request-id") ?? "", UUID);
    });

    it("S-OBS-1: a WebSocket denial carries the id", async () => {
      const { client } = observedApp();
      const headers = { "x-request-id": "ws-denied-1" };
      const denial = await client.websocketConnect("/ws/lobby", { headers }).then(
        () => assert.fail("the upgrade was accepted"),
        (error: unknown) => error,
      );
      assert.ok(denial instanceof WebSocketDenialResponse);
      assert.equal(denial.response.status, 403);
      assert.equal(denial.response.headers.get("x-request-id"), "ws-denied-1");
    });

    it("S-OBS-1: problem details show the id as the requestId member, 404s and 500s alike", async () => {
      const { client } = observedApp({ problems: true });
      const headers = { "x-request-id": "problem-9", accept: "application/problem+json" };
      for (const [path, status] of [
        ["/nowhere", 404],
        ["/crash", 500],
      ] as const) {
        const response = await client.get(path, { headers });
        assert.equal(response.status, status);
        const body = (await response.json()) as Record<string, unknown>;
        assert.equal(body.requestId, "problem-9");
      }
    });

    it("S-OBS-1: the debug page shows the id", async () => {
      const { client } = observedApp({ debug: true });
      const headers = { "x-request-id": "debug-42", accept: "text/plain" };
      const response = await client.get("/crash", { headers });
      assert.equal(response.headers.get("x-request-id"), "debug-42");
      assert.match(await response.text(), /request id: debug-42/);
    });
  });

  describe("what a log line and a reporter know", () => {
    it("S-OBS-1: ctx.route and ctx.path (as sent, no query) are on the context", async () => {
      const { client } = observedApp();
      const body = await (await client.get("/users/42?secret=1")).json();
      assert.deepEqual(
        { route: (body as Context).route, path: (body as Context).path },
        { route: "/users/{id:int}", path: "/users/42" },
      );
    });

    it("S-REP-1: onError's info says stream for a body failing midway, background for a task", async () => {
      const { client, infos } = observedApp();
      const headers = { "x-request-id": "kinds" };
      await assert.rejects((await client.get("/stream", { headers })).text());
      await (await client.get("/background", { headers })).text();
      await settle();
      assert.deepEqual(infos, [
        { kind: "stream", route: "/stream", requestId: "kinds" },
        { kind: "background", route: "/background", requestId: "kinds" },
      ]);
    });

    it("S-REP-1: onError's info says websocket for an endpoint failing after accept", async () => {
      const { client, infos } = observedApp();
      const ws = await client.websocketConnect("/ws/lobby", { subprotocols: ["chat"] });
      await assert.rejects(ws.receive(), (error: { code?: number }) => error.code === 1011);
      assert.equal(infos.length, 1);
      assert.equal(infos[0]?.kind, "websocket");
      assert.equal(infos[0]?.route, "/ws/{room}");
      assert.match(infos[0]?.requestId ?? "", UUID);
    });

    it("S-REP-1: a two-argument onError still works", async () => {
      const seen: string[] = [];
      const twoArguments: ErrorReporter = (error, request) =>
        seen.push(`${(error as Error).message} ${new URL(request.url).pathname}`);
      const app = new App({ routes: [new Route("/crash", crash)], onError: twoArguments });
      assert.equal((await quietClient(app).get("/crash")).status, 500);
      assert.deepEqual(seen, ["crashed /crash"]);
    });

    it("S-OBS-1: an observer hears each reported error once, and work that outlives the response", async () => {
      const heard: string[] = [];
      const observing: Middleware = (next) => (request, ctx) => {
        observeRequest(ctx, {
          reported: (error, info) => heard.push(`${info.kind}: ${(error as Error).message}`),
          continues: (work) => void work.then(() => heard.push("work settled")),
        });
        return next(request, ctx);
      };
      const { client } = observedApp({ outer: [observing] });
      await client.get("/crash");
      await (await client.get("/background")).text();
      await settle();
      assert.deepEqual(heard, [
        "request: crashed",
        "background: background failed",
        "work settled",
      ]);
      assert.equal(observeRequest({} as Context, {}), false, "a context edgelette did not make");
    });
  });
}
