// edgelette/otel on every runtime: spans recorded by the real OpenTelemetry
// SDK (a BasicTracerProvider with the in-memory exporter, registered for one
// test at a time), through requests made in memory with TestClient.
import assert from "node:assert/strict";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import {
  App,
  HTTPException,
  JSONResponse,
  Mount,
  PlainTextResponse,
  Route,
  StreamingResponse,
  WebSocketRoute,
  type WebSocketSession,
} from "../../src/index.ts";
import { tracing } from "../../src/otel/index.ts";
import type { Middleware } from "../../src/types.ts";
import type { SuiteApi, SuiteOptions } from "./api.ts";
import { breakingStream, quietClient, reportSpy, settle } from "./http/support.ts";
import { insideRuntimeSpan, StorageContextManager } from "./otel-context.ts";

class PaymentFailed extends Error {}

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

interface Traced {
  /** Spans ended so far. */
  spans(): ReadableSpan[];
  /** Waits (bounded) until `count` spans ended, and returns them. */
  ended(count: number): Promise<ReadableSpan[]>;
}

/** Registers a provider for the length of `body` only, as an application's setup would. */
async function withProvider(
  body: (traced: Traced) => Promise<void>,
  sampler?: AlwaysOffSampler,
): Promise<void> {
  const exporter = new InMemorySpanExporter();
  const spanProcessors = [new SimpleSpanProcessor(exporter)];
  const provider = new BasicTracerProvider(
    sampler ? { spanProcessors, sampler } : { spanProcessors },
  );
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new StorageContextManager());
  const spans = () => exporter.getFinishedSpans();
  const ended = async (count: number) => {
    for (let tries = 0; spans().length < count && tries < 250; tries++) await settle();
    assert.equal(spans().length, count, `expected ${count} ended spans`);
    return spans();
  };
  try {
    await body({ spans, ended });
  } finally {
    trace.disable();
    propagation.disable();
    context.disable();
    await provider.shutdown();
  }
}

/** Built inside each test: a tracer is taken from the provider registered at the time. */
function tracedApp(placement: "outer" | "inner" = "outer", inBackground = () => {}) {
  const spy = reportSpy();
  const midway = new PaymentFailed("the stream broke midway");
  const child = new App({
    routes: [new Route("/items/{name}", (_r, ctx) => new JSONResponse(ctx.params))],
  });
  const routes = [
    new Route("/users/{id:int}", (_r, ctx) => new JSONResponse({ id: ctx.params.id })),
    new Route("/nested", async () => {
      await Promise.resolve();
      trace.getTracer("app").startActiveSpan("database query", (span) => span.end());
      return new PlainTextResponse("nested");
    }),
    new Route("/secret", () => {
      throw new HTTPException(403, "no entry");
    }),
    new Route("/unavailable", () => {
      throw new HTTPException(503);
    }),
    new Route("/crash", () => {
      throw new PaymentFailed("card declined");
    }),
    new Route("/stream", () => new Response(breakingStream("first chunk", midway))),
    new Route(
      "/streaming",
      () =>
        new StreamingResponse(async function* () {
          yield "first line\n";
          throw new PaymentFailed("the generator failed midway");
        }),
    ),
    new Route("/background", () => {
      const task = () => {
        inBackground();
        throw new Error("the background task failed");
      };
      return new PlainTextResponse("accepted", { background: task });
    }),
    new Mount("/api", child),
    new WebSocketRoute("/ws/crash", async (ws: WebSocketSession) => {
      ws.accept();
      ws.sendText("hello");
      await ws.receiveText();
      throw new Error("the endpoint failed after accept");
    }),
  ];
  const layer: Middleware[] = [tracing()];
  const app = new App({
    routes,
    onError: spy.onError,
    ...(placement === "outer" ? { outerMiddleware: layer } : { middleware: layer }),
  });
  return { client: quietClient(app), spy, midway };
}

function exceptionEvents(span: ReadableSpan) {
  return span.events.filter((event) => event.name === "exception");
}

export function otelSuite({ describe, it }: SuiteApi, options: SuiteOptions): void {
  describe(`S-OBS-1: OpenTelemetry spans on ${options.runtime}`, () => {
    it("S-OBS-1: a hit is a SERVER span named METHOD /route/pattern with the HTTP attributes", () =>
      withProvider(async ({ ended }) => {
        const { client } = tracedApp();
        const response = await client.get("/users/42?q=1");
        assert.deepEqual(await response.json(), { id: 42 });
        const [span] = await ended(1);
        assert.equal(span?.name, "GET /users/{id:int}");
        assert.equal(span?.kind, SpanKind.SERVER);
        assert.deepEqual(span?.attributes, {
          "http.request.method": "GET",
          "url.path": "/users/42",
          "url.scheme": "http",
          "http.route": "/users/{id:int}",
          "http.response.status_code": 200,
        });
        assert.equal(span?.status.code, SpanStatusCode.UNSET);
        assert.deepEqual(span?.events, []);
      }));

    it("S-OBS-1: a route in a mounted app is named with the mount prefix joined", () =>
      withProvider(async ({ ended }) => {
        const { client } = tracedApp();
        await (await client.get("/api/items/pen")).text();
        const [span] = await ended(1);
        assert.equal(span?.name, "GET /api/items/{name}");
        assert.equal(span?.attributes["http.route"], "/api/items/{name}");
      }));

    it("S-OBS-1: a 404 is named by its method alone, has no route, and is not an error", () =>
      withProvider(async ({ ended }) => {
        const { client, spy } = tracedApp();
        assert.equal((await client.get("/nowhere")).status, 404);
        const [span] = await ended(1);
        assert.equal(span?.name, "GET");
        assert.equal(span?.attributes["http.response.status_code"], 404);
        assert.equal(span?.attributes["http.route"], undefined);
        assert.equal(span?.attributes["error.type"], undefined);
        assert.equal(span?.status.code, SpanStatusCode.UNSET);
        assert.deepEqual(spy.errors, []);
      }));

    it("S-OBS-1: a method outside the conventions' list is _OTHER, and the span is named HTTP", () =>
      withProvider(async ({ ended }) => {
        const { client } = tracedApp();
        assert.equal((await client.request("PROPFIND", "/users/1")).status, 405);
        const [span] = await ended(1);
        assert.equal(span?.name, "HTTP");
        assert.equal(span?.attributes["http.request.method"], "_OTHER");
        assert.equal(span?.attributes["http.request.method_original"], "PROPFIND");
        assert.equal(span?.status.code, SpanStatusCode.UNSET);
      }));

    it("S-OBS-1: a handled 403 is not a span error", () =>
      withProvider(async ({ ended }) => {
        const { client } = tracedApp();
        assert.equal((await client.get("/secret")).status, 403);
        const [span] = await ended(1);
        assert.equal(span?.name, "GET /secret");
        assert.equal(span?.attributes["http.response.status_code"], 403);
        assert.equal(span?.status.code, SpanStatusCode.UNSET);
        assert.deepEqual(exceptionEvents(span as ReadableSpan), []);
      }));

    it("S-OBS-1: a handled 503 is a failed request (status ERROR, error.type 503) but no exception", () =>
      withProvider(async ({ ended }) => {
        const { client, spy } = tracedApp();
        assert.equal((await client.get("/unavailable")).status, 503);
        const [span] = await ended(1);
        assert.equal(span?.status.code, SpanStatusCode.ERROR);
        assert.equal(span?.attributes["error.type"], "503");
        assert.deepEqual(exceptionEvents(span as ReadableSpan), []);
        assert.deepEqual(spy.errors, []);
      }));

    it("S-OBS-1: an unhandled error is recorded once, where onError hears of it: one exception event, status ERROR", () =>
      withProvider(async ({ ended }) => {
        const { client, spy } = tracedApp();
        assert.equal((await client.get("/crash")).status, 500);
        const [span] = await ended(1);
        assert.equal(span?.name, "GET /crash");
        assert.equal(span?.attributes["http.response.status_code"], 500);
        assert.equal(span?.attributes["error.type"], "PaymentFailed");
        assert.equal(span?.status.code, SpanStatusCode.ERROR);
        const events = exceptionEvents(span as ReadableSpan);
        assert.equal(events.length, 1);
        assert.equal(events[0]?.attributes?.["exception.message"], "card declined");
        assert.equal(spy.errors.length, 1);
      }));

    it("S-OBS-1: inside the 500 layer (in `middleware`) the same error is still recorded once", () =>
      withProvider(async ({ ended }) => {
        const { client, spy } = tracedApp("inner");
        assert.equal((await client.get("/crash")).status, 500);
        assert.equal((await client.get("/secret")).status, 403);
        const [crash, secret] = await ended(2);
        assert.equal(exceptionEvents(crash as ReadableSpan).length, 1);
        assert.equal(crash?.status.code, SpanStatusCode.ERROR);
        assert.equal(secret?.attributes["http.response.status_code"], 403);
        assert.equal(secret?.status.code, SpanStatusCode.UNSET);
        assert.equal(spy.errors.length, 1);
      }));

    it("S-OBS-1: a streamed body that fails midway ends the span when the body ends, with the error recorded", () =>
      withProvider(async ({ spans, ended }) => {
        const { client, midway } = tracedApp();
        const response = await client.get("/stream");
        assert.equal(response.status, 200);
        await settle();
        assert.equal(spans().length, 0, "the handler returned, the body is still being sent");
        await assert.rejects(response.text());
        const [span] = await ended(1);
        assert.equal(span?.name, "GET /stream");
        assert.equal(span?.attributes["http.response.status_code"], 200);
        assert.equal(span?.status.code, SpanStatusCode.ERROR);
        const events = exceptionEvents(span as ReadableSpan);
        assert.equal(events.length, 1);
        assert.equal(events[0]?.attributes?.["exception.message"], midway.message);
      }));

    it("S-OBS-1: a StreamingResponse whose generator fails midway is one span, the failure recorded once", () =>
      withProvider(async ({ ended }) => {
        const { client, spy } = tracedApp();
        const response = await client.get("/streaming");
        assert.equal(response.status, 200);
        await assert.rejects(response.text());
        const [span] = await ended(1);
        assert.equal(span?.name, "GET /streaming");
        assert.equal(span?.status.code, SpanStatusCode.ERROR);
        assert.equal(span?.attributes["error.type"], "PaymentFailed");
        assert.equal(exceptionEvents(span as ReadableSpan).length, 1);
        assert.equal(spy.errors.length, 1);
      }));

    it("S-OBS-1: a background failure is recorded on the request's span, which ends after the background work", () =>
      withProvider(async ({ spans, ended }) => {
        const endedWhenTaskRan: number[] = [];
        const { client, spy } = tracedApp("outer", () => endedWhenTaskRan.push(spans().length));
        const response = await client.get("/background");
        assert.equal(await response.text(), "accepted");
        const [span] = await ended(1);
        assert.deepEqual(endedWhenTaskRan, [0], "the response was sent, the span still open");
        assert.equal(span?.attributes["http.response.status_code"], 200);
        assert.equal(span?.status.code, SpanStatusCode.ERROR);
        assert.equal(exceptionEvents(span as ReadableSpan).length, 1);
        assert.equal(span?.attributes["error.type"], "Error");
        assert.equal(spy.errors.length, 1);
      }));

    it("S-OBS-1: a WebSocket session is one span from upgrade to close, with its close code 1011", () =>
      withProvider(async ({ spans, ended }) => {
        const { client, spy } = tracedApp();
        const ws = await client.websocketConnect("/ws/crash");
        assert.equal(await ws.receiveText(), "hello");
        await settle();
        assert.equal(spans().length, 0, "the session is open: its span is too");
        ws.sendText("go on");
        await assert.rejects(ws.receive(), (error: { code?: number }) => error.code === 1011);
        const [span] = await ended(1);
        assert.equal(span?.name, "GET /ws/crash");
        assert.equal(span?.attributes["http.response.status_code"], 101);
        assert.equal(span?.attributes["edgelette.websocket.close_code"], 1011);
        assert.equal(span?.status.code, SpanStatusCode.ERROR);
        assert.equal(exceptionEvents(span as ReadableSpan).length, 1);
        assert.equal(spy.errors.length, 1);
      }));

    it("S-OBS-1: a caller's traceparent makes the span its child (read through the registered propagator)", () =>
      withProvider(async ({ ended }) => {
        const { client } = tracedApp();
        const traceparent = `00-${TRACE_ID}-b7ad6b7169203331-01`;
        await (await client.get("/users/1", { headers: { traceparent } })).text();
        const [span] = await ended(1);
        assert.equal(span?.spanContext().traceId, TRACE_ID);
        assert.equal(span?.parentSpanContext?.spanId, "b7ad6b7169203331");
      }));

    it("S-OBS-1: under a runtime's own server span, ours is its INTERNAL child, and the handler's spans are ours", () =>
      withProvider(async ({ ended }) => {
        const { client } = tracedApp();
        const runtime = await insideRuntimeSpan(async () => {
          assert.equal(await (await client.get("/nested")).text(), "nested");
        });
        const spans = await ended(3);
        const named = (name: string) => spans.find((span) => span.name === name) as ReadableSpan;
        const ours = named("GET /nested");
        assert.equal(ours.kind, SpanKind.INTERNAL);
        assert.equal(ours.parentSpanContext?.spanId, runtime.spanContext().spanId);
        assert.equal(ours.spanContext().traceId, runtime.spanContext().traceId);
        assert.equal(named("database query").parentSpanContext?.spanId, ours.spanContext().spanId);
      }));

    it("S-OBS-1: a request the sampler drops is answered as usual and records nothing", () =>
      withProvider(async ({ spans }) => {
        const { client, spy } = tracedApp();
        assert.equal((await client.get("/crash")).status, 500);
        assert.equal(await (await client.get("/users/3")).text(), '{"id":3}');
        await settle();
        assert.deepEqual(spans(), []);
        assert.equal(spy.errors.length, 1, "onError still hears of the error");
      }, new AlwaysOffSampler()));

    it("S-OBS-1: with no provider registered, requests are answered as before and nothing is recorded", async () => {
      const { client, spy } = tracedApp();
      assert.equal(trace.getActiveSpan(), undefined);
      assert.equal((await client.get("/users/7")).status, 200);
      assert.equal((await client.get("/crash")).status, 500);
      assert.equal(spy.errors.length, 1);
    });
  });
}
