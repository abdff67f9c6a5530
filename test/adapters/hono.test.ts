// edgelette/hono on Node: the parts the shared interop suite does not cover,
// mostly how the middleware and `layers.onError` share Hono's error path.
import { Hono } from "hono";
import { cors } from "hono/cors";
import { HTTPException as HonoHTTPException } from "hono/http-exception";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { exceptionLayers, forwardErrors } from "../../adapters/hono.ts";
import { App } from "../../src/app.ts";
import { HTTPException } from "../../src/exceptions.ts";
import { PlainTextResponse } from "../../src/responses.ts";
import { Mount } from "../../src/routing/route.ts";
import { TestClient } from "../../src/testing/index.ts";
import type { ExceptionHandler } from "../../src/types.ts";
import { mediaType, textPlain } from "../suite/http/support.ts";

// One error object per test: edgelette reports an error object at most once per process.
let failure: Error;
const fail = () => {
  throw failure;
};
const answer =
  (body: string, status: number): ExceptionHandler =>
  () =>
    new PlainTextResponse(body, { status });

/** A Hono app already holding `layers`; `install` says which of its handlers Hono gets. */
function setup(install: { onError?: boolean; notFound?: boolean } = {}) {
  const reported: unknown[] = [];
  const layers = exceptionLayers({
    exceptionHandlers: [
      [401, answer("edgelette 401", 401)],
      [Error, answer("edgelette 500", 500)],
    ],
    onError: (error) => reported.push(error),
  });
  const app = new Hono();
  if (install.onError ?? true) app.onError(layers.onError);
  if (install.notFound) app.notFound(layers.notFound);
  return { app, layers, reported, client: new TestClient(app, { raiseServerExceptions: false }) };
}

beforeEach(() => {
  failure = new Error("route failed");
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("exceptionLayers: one report per error", () => {
  it("S-REP-1: with layers.onError installed, Hono logs nothing and onError runs once", async () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    const { app, layers, reported, client } = setup();
    app.use(layers);
    app.use(async (_c, next) => next()); // one more Hono level the error crosses
    app.get("/", fail);
    expect((await client.get("/")).status).toBe(500);
    expect(reported).toEqual([failure]);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it("S-RT-3: without layers.onError the middleware still takes back what Hono's onError answered", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {}); // Hono's default handler logs
    const { app, layers, reported, client } = setup({ onError: false });
    app.use(layers);
    app.get("/", fail);
    app.get("/hono-401", () => {
      throw new HonoHTTPException(401);
    });
    expect(await (await client.get("/")).text()).toBe("edgelette 500");
    expect(reported).toEqual([failure]);
    expect(await (await client.get("/hono-401")).text()).toBe("edgelette 401");
  });

  it("S-RT-3: a custom app.onError is overridden for the routes below the middleware", async () => {
    const { app, layers, client } = setup({ onError: false });
    app.onError((_error, c) => c.text("hono's own answer", 503));
    app.use(layers);
    app.get("/", fail);
    expect(await (await client.get("/")).text()).toBe("edgelette 500");
  });

  it("S-RT-3: errors outside the middleware are answered by layers.onError, reported once", async () => {
    const { app, layers, reported, client } = setup();
    app.use(async (_c, next) => {
      await next();
      throw failure;
    });
    app.use(layers);
    app.get("/", (c) => c.text("fine"));
    expect(await (await client.get("/")).text()).toBe("edgelette 500");
    expect(reported).toEqual([failure]);
  });

  it("S-TC-1: TestClient re-throws the original error from a Hono app by default", async () => {
    const { app, layers } = setup();
    app.use(layers);
    app.get("/", fail);
    await expect(new TestClient(app).get("/")).rejects.toBe(failure);
  });
});

describe("exceptionLayers: Hono middleware between the layers and the route", () => {
  it("S-LAY-3: try/catch around await next() sees the error, and may answer it", async () => {
    const { app, layers, reported, client } = setup();
    const seen: unknown[] = [];
    app.use(layers);
    app.use(async (c, next) => {
      try {
        await next();
      } catch (error) {
        seen.push(error);
        c.res = new Response("recovered", { status: 202 });
      }
    });
    app.get("/", fail);
    const response = await client.get("/");
    expect(seen).toEqual([failure]);
    expect(response.status).toBe(202);
    expect(await response.text()).toBe("recovered");
    expect(reported).toEqual([]);
  });

  it("S-LAY-5: headers set before the error (c.header(), Hono's cors) stay on the error response", async () => {
    const { app, layers, client } = setup();
    app.use(cors({ origin: "https://app.example" }));
    app.use(async (c, next) => {
      c.header("x-request-id", "r-1");
      await next();
    });
    app.use(layers);
    app.get("/", fail);
    const response = await client.get("/", { headers: { origin: "https://app.example" } });
    expect(response.status).toBe(500);
    expect(response.headers.get("x-request-id")).toBe("r-1");
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(mediaType(response.headers.get("content-type"))).toBe(textPlain());
  });

  it("S-RT-3: once edgelette answered an error, c.error is cleared for middleware above", async () => {
    const { app, layers, client } = setup();
    const outside: unknown[] = [];
    app.use(async (c, next) => {
      await next();
      outside.push(c.error, c.res.status);
    });
    app.use(layers);
    app.get("/", fail);
    await client.get("/");
    expect(outside).toEqual([undefined, 500]);
  });

  it("S-RT-3: layers in a sub-app added with app.route() cover its routes", async () => {
    const { app: sub, layers, reported } = setup();
    sub.use(layers);
    sub.get("/fail", fail);
    // The app that serves the request needs layers.onError too: Hono calls each level's handler.
    const parent = new Hono().onError(layers.onError).route("/sub", sub);
    const response = await new TestClient(parent, { raiseServerExceptions: false }).get(
      "/sub/fail",
    );
    expect(await response.text()).toBe("edgelette 500");
    expect(reported).toEqual([failure]);
  });
});

describe("exceptionLayers: Hono's HTTPException", () => {
  it("S-LOOK-3: a status handler answers Hono's HTTPException with that status", async () => {
    const { app, layers, client } = setup();
    app.use(layers);
    app.get("/", () => {
      throw new HonoHTTPException(401, { message: "who are you?" });
    });
    expect(await (await client.get("/")).text()).toBe("edgelette 401");
  });

  it("S-EXC-1: an empty message becomes the reason phrase", async () => {
    const { app, layers, client } = setup();
    app.use(layers);
    app.get("/", () => {
      throw new HonoHTTPException(409);
    });
    const response = await client.get("/");
    expect(response.status).toBe(409);
    expect(await response.text()).toBe("Conflict");
  });

  it("S-LOOK-2: a handler keyed by Hono's HTTPException class comes before the translation", async () => {
    const app = new Hono();
    const layers = exceptionLayers({
      exceptionHandlers: [[HonoHTTPException, answer("keyed by hono's class", 400)]],
    });
    app.use(layers).onError(layers.onError);
    app.get("/", () => {
      throw new HonoHTTPException(401, { res: new Response("ignored") });
    });
    expect(await (await app.request("/")).text()).toBe("keyed by hono's class");
  });

  it("S-RT-3: an HTTPException from another copy of hono is recognised by its shape", async () => {
    class ForeignHTTPException extends Error {
      status = 451;
      getResponse() {
        return new Response(this.message, { status: this.status });
      }
    }
    const { app, layers, reported, client } = setup();
    app.use(layers);
    app.get("/", () => {
      throw new ForeignHTTPException("censored");
    });
    const response = await client.get("/");
    expect(response.status).toBe(451);
    expect(await response.text()).toBe("censored");
    expect(reported).toEqual([]);
  });
});

describe("exceptionLayers: responses", () => {
  it("S-RT-3: layers.notFound is Hono's 404 as edgelette's HTTPException(404)", async () => {
    const { app, layers, client } = setup({ notFound: true });
    app.use(layers);
    const inside = await client.get("/nowhere");
    expect(inside.status).toBe(404);
    expect(await inside.text()).toBe("Not Found");
    const bare = setup({ notFound: true }); // no middleware matched: answered by layers.notFound itself
    expect(await (await bare.client.get("/nowhere")).text()).toBe("Not Found");
  });

  it("S-REP-2: a Hono body that fails midway is aborted and reported once", async () => {
    const { app, layers, reported, client } = setup();
    let pulls = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ > 0) throw failure;
        controller.enqueue(new TextEncoder().encode("first"));
      },
    });
    app.use(layers);
    app.get("/", (c) => c.body(broken));
    const response = await client.get("/");
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toBeDefined();
    expect(reported).toEqual([failure]);
  });

  it("S-REP-2: mounted in an App (docs/hono.md), a body failing midway is reported once, not twice", async () => {
    const { app: hono, layers, reported } = setup();
    let pulls = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ > 0) throw failure;
        controller.enqueue(new TextEncoder().encode("first"));
      },
    });
    hono.use(layers);
    hono.get("/", (c) => c.body(broken));
    const parentReports: unknown[] = [];
    const parent = new App({
      routes: [new Mount("/hono", forwardErrors(hono))],
      onError: (error) => parentReports.push(error),
    });
    const response = await new TestClient(parent, { raiseServerExceptions: false }).get("/hono");
    await expect(response.text()).rejects.toBeDefined();
    expect([...reported, ...parentReports]).toEqual([failure]);
  });

  it("S-BG-1: background tasks of an edgelette response from a Hono route run", async () => {
    const { app, layers, client } = setup();
    const ran: string[] = [];
    app.use(layers);
    app.get("/", () => new PlainTextResponse("sent", { background: () => ran.push("task") }));
    expect(await (await client.get("/")).text()).toBe("sent");
    expect(ran).toEqual(["task"]);
  });
});

describe("forwardErrors and Mount", () => {
  it("S-RT-3: errors outside a mounted Hono app's own layers escape to the parent", async () => {
    const { app: hono, layers } = setup();
    hono.use(async (_c, next) => {
      await next();
      throw failure;
    });
    hono.use(layers);
    hono.get("/", (c) => c.text("fine"));
    forwardErrors(hono);
    const parentReported: unknown[] = [];
    const parent = new App({
      routes: [new Mount("/hono", hono)],
      exceptionHandlers: [[Error, answer("parent 500", 500)]],
      onError: (error) => parentReported.push(error),
    });
    const response = await new TestClient(parent, { raiseServerExceptions: false }).get("/hono");
    expect(await response.text()).toBe("parent 500");
    expect(parentReported).toEqual([failure]);
  });

  it("S-RT-3: forwardErrors(app, { notFound: false }) keeps Hono's own 404", async () => {
    const hono = forwardErrors(new Hono(), { notFound: false });
    const parent = new App({ routes: [new Mount("/hono", hono)] });
    const response = await new TestClient(parent).get("/hono/nowhere");
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("404 Not Found");
  });

  it("S-RT-3: a Hono app without forwardErrors answers its own errors (Hono's default)", async () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    const hono = new Hono().get("/", fail);
    const parent = new App({ routes: [new Mount("/hono", hono)], onError: () => {} });
    const response = await new TestClient(parent).get("/hono");
    expect(await response.text()).toBe("Internal Server Error");
    expect(consoleError).toHaveBeenCalledWith(failure);
  });

  it("S-RT-3: a mounted fetch handler gets the parent's env and execution context", async () => {
    const seen: unknown[] = [];
    const target = (_request: Request, env: unknown, executionCtx: unknown) => {
      seen.push(env, typeof (executionCtx as { waitUntil?: unknown }).waitUntil);
      return new Response("ok");
    };
    const parent = new App({ routes: [new Mount("/x", target)] });
    await new TestClient(parent, { env: { NAME: "env" } }).get("/x/y");
    expect(seen).toEqual([{ NAME: "env" }, "function"]);
  });

  it("S-RT-3: a typed Hono app reads the parent's env bindings through the mount", async () => {
    const layers = exceptionLayers();
    const hono = new Hono<{ Bindings: { GREETING: string } }>();
    hono.use(layers).onError(layers.onError).notFound(layers.notFound);
    hono.get("/", (c) => c.text(c.env.GREETING));
    const parent = new App({ routes: [new Mount("/hono", forwardErrors(hono))] });
    const response = await new TestClient(parent, { env: { GREETING: "hello" } }).get("/hono");
    expect(await response.text()).toBe("hello");
  });

  it("S-RT-3: a Hono route answering a POST gets the body through the mount", async () => {
    const hono = new Hono().post("/echo", async (c) => c.text(await c.req.text()));
    const parent = new App({ routes: [new Mount("/hono", forwardErrors(hono))] });
    const response = await new TestClient(parent).post("/hono/echo", { body: "payload" });
    expect(await response.text()).toBe("payload");
  });

  it("S-RT-3: an HTTPException from edgelette code inside Hono keeps its status through Mount", async () => {
    const hono = forwardErrors(
      new Hono().get("/", () => {
        throw new HTTPException(403, "forbidden here");
      }),
    );
    const parent = new App({ routes: [new Mount("/hono", hono)] });
    const response = await new TestClient(parent).get("/hono");
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("forbidden here");
  });
});
