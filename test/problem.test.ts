import { describe, expect, it } from "vitest";
import { App } from "../src/app.ts";
import { HTTPException } from "../src/exceptions.ts";
import {
  type ProblemDetailsOptions,
  problemDetailsHandlers,
  problemFormatFor,
  problemResponse,
} from "../src/problem.ts";
import { Route } from "../src/routing/route.ts";
import { TestClient } from "../src/testing/index.ts";
import { mediaType, textPlain } from "./suite/http/support.ts";

const BROWSER =
  "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const AXIOS = "application/json, text/plain, */*";

class OutOfCredit extends Error {
  readonly balance = 30;
}

const raise = (exc: unknown) => () => {
  throw exc;
};

function client(options?: ProblemDetailsOptions) {
  const app = new App({
    routes: [
      new Route("/gone", raise(new HTTPException(410))),
      new Route("/said", raise(new HTTPException(400, "The name is too long."))),
      new Route("/invalid", raise(new HTTPException(422, [{ field: "email", msg: "required" }]))),
      new Route(
        "/credit",
        raise(
          new HTTPException(403, {
            type: "https://example.com/probs/out-of-credit",
            title: "You do not have enough credit.",
            detail: "Your current balance is 30, but that costs 50.",
            balance: 30,
            status: 200,
            instance: 7,
          }),
        ),
      ),
      new Route(
        "/down",
        raise(new HTTPException(503, "db at 10.0.0.3 is down", { "retry-after": "120" })),
      ),
      new Route("/crash", raise(new Error("secret: token=abc"))),
      new Route("/credit-class", raise(new OutOfCredit())),
      new Route("/script", raise(new HTTPException(400, "<script>alert(1)</script>"))),
      new Route("/varied", raise(new HTTPException(400, "x", { vary: "Origin" }))),
      new Route("/no-content", raise(new HTTPException(204))),
    ],
    exceptionHandlers: [
      ...problemDetailsHandlers(options),
      [
        OutOfCredit,
        (request, exc: OutOfCredit) =>
          problemResponse(request, { status: 403, balance: exc.balance }),
      ],
    ],
    onError: () => {},
  });
  return new TestClient(app, { raiseServerExceptions: false });
}

const accept = (value: string) => ({ headers: { accept: value } });

describe("problemFormatFor: negotiation by Accept", () => {
  it.each([
    ["(missing)", null, "application/problem+json"],
    ["curl's wildcard", "*/*", "application/problem+json"],
    ["problem+json by name", "application/problem+json", "application/problem+json"],
    ["plain JSON by name", "application/json", "application/json"],
    ["axios: a named type beats the same q through */*", AXIOS, "application/json"],
    ["a browser", BROWSER, "text/html"],
    ["plain text by name", "text/plain", "text/plain"],
    ["text/* ties: HTML only when preferred", "text/*", "text/plain"],
    ["equal q for HTML and text", "text/html;q=0.5, text/plain;q=0.5", "text/plain"],
    ["HTML by name", "TEXT/HTML", "text/html"],
    [
      "a higher q through a wildcard wins",
      "application/json;q=0.9, */*",
      "application/problem+json",
    ],
    ["application/* ties: problem+json first", "application/*", "application/problem+json"],
    [
      "q order between named types",
      "application/json, application/problem+json;q=0.5",
      "application/json",
    ],
    [
      "q=0 refuses a type a wildcard allows",
      "application/problem+json;q=0, application/*",
      "application/json",
    ],
    ["low wildcard, higher text", "*/*;q=0.1, text/plain;q=0.2", "text/plain"],
    ["nothing acceptable: problem+json anyway", "image/png", "application/problem+json"],
    ["a named q=0 is never chosen", "image/png, text/html;q=0", "application/problem+json"],
  ])("S-RES-7: %s (%s) → %s", (_name, header, expected) => {
    expect(problemFormatFor(header)).toBe(expected);
  });
});

describe("problemDetailsHandlers: members", () => {
  it("S-RES-7: an HTTPException's phrase is the title and no detail repeats it", async () => {
    const response = await client().get("/gone");
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toEqual({
      type: "about:blank",
      title: "Gone",
      status: 410,
      instance: "/gone",
    });
  });

  it("S-RES-7: a string detail is the detail member", async () => {
    const body = await (await client().get("/said")).json();
    expect(body).toMatchObject({
      title: "Bad Request",
      status: 400,
      detail: "The name is too long.",
    });
  });

  it("S-RES-7: a list of field errors is the errors extension member", async () => {
    const response = await client().get("/invalid");
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      type: "about:blank",
      title: "Unprocessable Content",
      status: 422,
      instance: "/invalid",
      errors: [{ field: "email", msg: "required" }],
    });
  });

  it("S-RES-7: a structured detail gives type, title, detail and extensions; status stays", async () => {
    const response = await client().get("/credit");
    expect(response.status).toBe(403);
    // `status: 200` is not the response's status, `instance: 7` is not a string: both dropped.
    expect(await response.json()).toEqual({
      type: "https://example.com/probs/out-of-credit",
      title: "You do not have enough credit.",
      status: 403,
      detail: "Your current balance is 30, but that costs 50.",
      instance: "/credit",
      balance: 30,
    });
  });

  it("S-RES-7: other detail values become text", async () => {
    const app = new App({
      routes: [new Route("/", raise(new HTTPException(400, 42)))],
      exceptionHandlers: problemDetailsHandlers(),
    });
    expect((await (await new TestClient(app).get("/")).json()).detail).toBe("42");
  });

  it("S-RES-7: a __proto__ key in a detail stays an ordinary member", async () => {
    const detail = JSON.parse('{"__proto__": {"polluted": true}, "reason": "x"}');
    const app = new App({
      routes: [new Route("/", raise(new HTTPException(400, detail)))],
      exceptionHandlers: problemDetailsHandlers(),
    });
    const text = await (await new TestClient(app).get("/")).text();
    expect(JSON.parse(text).reason).toBe("x");
    expect(text).toContain('"__proto__":{"polluted":true}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("S-RES-7: instance can be left out or computed", async () => {
    expect(
      (await (await client({ instance: false }).get("/gone")).json()).instance,
    ).toBeUndefined();
    const custom = client({ instance: (request) => `urn:req:${new URL(request.url).pathname}` });
    expect((await (await custom.get("/gone")).json()).instance).toBe("urn:req:/gone");
  });

  it("S-RES-7: the instance is the path without the query string", async () => {
    expect((await (await client().get("/gone?token=secret")).json()).instance).toBe("/gone");
  });

  it("S-RES-7: problemResponse renders a problem for a handler of the user's own class", async () => {
    const response = await client().get("/credit-class");
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      type: "about:blank",
      title: "Forbidden",
      status: 403,
      balance: 30,
    });
  });
});

describe("problemDetailsHandlers: 5xx never leak", () => {
  it("S-RES-7: an unhandled error is a bare 500 problem, whatever the format (S-RES-4)", async () => {
    const c = client();
    const json = await c.get("/crash");
    expect(json.status).toBe(500);
    expect(await json.json()).toEqual({
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      instance: "/crash",
    });
    for (const format of ["text/plain", "text/html"]) {
      const text = await (await c.get("/crash", accept(format))).text();
      expect(text).toContain("Internal Server Error");
      expect(text).not.toContain("secret");
    }
  });

  it("S-RES-7: a 5xx HTTPException keeps its headers but not its detail", async () => {
    const response = await client().get("/down");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("120");
    const text = await response.text();
    expect(text).not.toContain("10.0.0.3");
    expect(JSON.parse(text).title).toBe("Service Unavailable");
  });

  it("S-RES-7: exposeServerErrors shows a 5xx HTTPException's detail, never an unhandled error's", async () => {
    const c = client({ exposeServerErrors: true });
    expect((await (await c.get("/down")).json()).detail).toBe("db at 10.0.0.3 is down");
    expect(await (await c.get("/crash")).text()).not.toContain("secret");
  });

  it("S-DBG-1: with debug on, an unhandled error still gets the traceback", async () => {
    const app = new App({
      routes: [new Route("/", raise(new Error("visible in debug")))],
      exceptionHandlers: problemDetailsHandlers(),
      debug: true,
      onError: () => {},
    });
    const response = await new TestClient(app, { raiseServerExceptions: false }).get("/");
    expect(await response.text()).toContain("visible in debug");
  });
});

describe("problemDetailsHandlers: rendering", () => {
  it("S-RES-7: plain text is the status line, the detail, then extension members", async () => {
    const response = await client().get("/invalid", accept("text/plain"));
    expect(mediaType(response.headers.get("content-type"))).toBe(textPlain());
    expect(await response.text()).toBe(
      '422 Unprocessable Content\nerrors: [{"field":"email","msg":"required"}]\n',
    );
  });

  it("S-RES-7: HTML escapes everything from the exception (S-DBG-4)", async () => {
    const response = await client().get("/script", accept("text/html"));
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await response.text();
    expect(html).toContain("<h1>400 Bad Request</h1>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>");
  });

  it("S-RES-7: responses vary on Accept, added to a Vary the exception carries", async () => {
    expect((await client().get("/gone")).headers.get("vary")).toBe("Accept");
    expect((await client().get("/varied")).headers.get("vary")).toBe("Origin, Accept");
  });

  it("S-RES-2: below 400 the default response is kept: 204 has no body", async () => {
    const response = await client().get("/no-content");
    expect(response.status).toBe(204);
    expect(response.headers.get("content-type")).toBeNull();
    expect(await response.text()).toBe("");
  });

  it("S-LOOK-4: entries after the set replace it, so a custom 404 still wins", async () => {
    const app = new App({
      exceptionHandlers: [
        ...problemDetailsHandlers(),
        [404, () => new Response("custom", { status: 404 })],
      ],
    });
    const response = await new TestClient(app).get("/missing");
    expect(await response.text()).toBe("custom");
  });
});
