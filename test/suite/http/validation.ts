import assert from "node:assert/strict";
import { type } from "arktype";
import * as v from "valibot";
import { z } from "zod";
import { App } from "../../../src/app.ts";
import { HTTPException } from "../../../src/exceptions.ts";
import type { HandlerKey } from "../../../src/handler-table.ts";
import { problemDetailsHandlers } from "../../../src/problem.ts";
import { JSONResponse } from "../../../src/responses.ts";
import { Route } from "../../../src/routing/route.ts";
import type { Context } from "../../../src/types.ts";
import { ValidationError } from "../../../src/validation/error.ts";
import type { SuiteApi } from "../api.ts";
import { quietClient, reportSpy } from "./support.ts";

// Validation on a route with the real zod, valibot and arktype (S-VAL-1).
// A secret is planted in invalid fields: valibot and arktype quote what they
// received in their messages, and no answer may carry it back.

const SECRET = "s3cr3t-Tok3n-0042";
const JSON_TYPE = { "content-type": "application/json" };

/** Every way an answer can be rendered: the default handler and problem details, each format. */
const ACCEPTS = ["application/problem+json", "application/json", "text/plain", "text/html", "*/*"];

const Tag = z.object({ label: z.string().min(1) });
const NewUser = z.object({
  name: z.string().trim().min(1),
  age: z.number().int().min(0),
  tags: z.array(Tag).default([]),
});
const Page = z.object({
  page: z.coerce.number().int().min(1).default(1),
  tag: z.union([z.string(), z.array(z.string())]).optional(),
});

const ItemParams = v.object({ id: v.pipe(v.number(), v.minValue(1)) });
const ApiKey = v.object({ "x-api-key": v.pipe(v.string(), v.regex(/^key-[a-z]+$/)) });
const Item = v.object({
  colour: v.picklist(["red", "green"]),
  size: v.pipe(v.string(), v.toLowerCase(), v.picklist(["s", "m", "l"])),
});

const Slug = type({ slug: /^[a-z-]+$/ });
const Rating = type({ stars: "1 <= number.integer <= 5", "note?": "string" });

const echoValid = (_request: Request, ctx: Context & { valid: unknown }) =>
  new JSONResponse(ctx.valid);

const taken = new Set(["ada"]);
const Signup = z.object({
  name: z.string().refine(async (name) => !taken.has(name), "name is taken"),
});
const AsyncSignup = v.objectAsync({
  name: v.pipeAsync(
    v.string(),
    v.checkAsync(async (name) => !taken.has(name), "name is taken"),
  ),
});

function validationApp(options: { problems?: boolean } = {}) {
  const spy = reportSpy();
  const app = new App({
    routes: [
      new Route("/users", echoValid, { methods: ["POST"], body: NewUser, query: Page }),
      new Route("/items/{id:int}", echoValid, {
        methods: ["PUT"],
        params: ItemParams,
        headers: ApiKey,
        body: Item,
      }),
      new Route("/posts/{slug}", echoValid, { methods: ["POST"], params: Slug, body: Rating }),
      new Route("/signup", echoValid, { methods: ["POST"], body: Signup }),
      new Route("/signup-valibot", echoValid, { methods: ["POST"], body: AsyncSignup }),
      new Route("/buggy", echoValid, {
        query: z.object({
          q: z.string().refine(() => {
            throw new Error("a bug in the schema");
          }),
        }),
      }),
      new Route("/plain", (_request, ctx) => new JSONResponse({ valid: "valid" in ctx })),
      new Route(
        "/raw",
        async (request, ctx) =>
          new JSONResponse({ valid: ctx.valid.body, raw: await request.text() }),
        { methods: ["POST"], body: z.object({ n: z.coerce.number() }) },
      ),
    ],
    exceptionHandlers: options.problems ? problemDetailsHandlers() : [],
    onError: spy.onError,
  });
  return { client: quietClient(app), spy };
}

function jsonBody(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { body: JSON.stringify(body), headers: { ...JSON_TYPE, ...headers } };
}

export function validationSuite({ describe, it }: SuiteApi): void {
  describe("S-VAL-1: validation declared on a route", () => {
    it("S-VAL-1: the endpoint receives the validated, transformed body and query", async () => {
      const { client, spy } = validationApp();
      const body = { name: "  Ada ", age: 36, tags: [{ label: "math" }] };
      const response = await client.post("/users?page=2", jsonBody(body));
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), {
        body: { name: "Ada", age: 36, tags: [{ label: "math" }] },
        query: { page: 2 },
      });
      const defaults = await client.post("/users", jsonBody({ name: "Bo", age: 1 }));
      assert.deepEqual(await defaults.json(), {
        body: { name: "Bo", age: 1, tags: [] },
        query: { page: 1 },
      });
      assert.deepEqual(spy.errors, []);
    });

    it("S-VAL-1: a query key given twice is an array, once a string; values percent-decoded", async () => {
      const { client } = validationApp();
      const body = jsonBody({ name: "Ada", age: 36 });
      const twice = await client.post("/users?tag=a&tag=b%20c&page=3", body);
      assert.deepEqual((await twice.json()).query, { page: 3, tag: ["a", "b c"] });
      const once = await client.post("/users?tag=a+b#fragment", body);
      assert.deepEqual((await once.json()).query, { page: 1, tag: "a b" });
    });

    it("S-VAL-1: params (converted by the path) and headers are validated with valibot", async () => {
      const { client } = validationApp();
      const response = await client.put("/items/7", {
        ...jsonBody({ colour: "red", size: "M" }, { "X-Api-Key": "key-abc" }),
      });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), {
        params: { id: 7 },
        headers: { "x-api-key": "key-abc" },
        body: { colour: "red", size: "m" },
      });
    });

    it("S-VAL-1: an arktype schema validates params and body", async () => {
      const { client } = validationApp();
      const ok = await client.post("/posts/hello-world", jsonBody({ stars: 5 }));
      assert.deepEqual(await ok.json(), { params: { slug: "hello-world" }, body: { stars: 5 } });
      const bad = await client.post("/posts/Hello", jsonBody({ stars: 9 }));
      assert.equal(bad.status, 422);
      const { detail } = await bad.json();
      assert.deepEqual(
        detail.map((each: { in: string; path: string }) => [each.in, each.path]),
        [
          ["params", "/slug"],
          ["body", "/stars"],
        ],
      );
    });

    it("S-VAL-1: a failure is a 422 listing { in, path, message } with JSON Pointer paths into nested arrays", async () => {
      const { client, spy } = validationApp();
      const body = { name: "Ada", age: -1, tags: [{ label: "ok" }, { label: "" }] };
      const response = await client.post("/users?page=0", jsonBody(body));
      assert.equal(response.status, 422);
      assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
      const { detail } = await response.json();
      assert.deepEqual(
        detail.map((each: { in: string; path: string }) => [each.in, each.path]),
        [
          ["query", "/page"],
          ["body", "/age"],
          ["body", "/tags/1/label"],
        ],
      );
      for (const issue of detail) assert.equal(typeof issue.message, "string");
      assert.deepEqual(spy.errors, [], "a client's mistake is not reported");
    });

    it("S-VAL-1: a body that is not an object fails at the root, path ''", async () => {
      const { client } = validationApp();
      const response = await client.post("/users", jsonBody([1, 2]));
      assert.equal(response.status, 422);
      const { detail } = await response.json();
      assert.deepEqual(detail[0].in, "body");
      assert.deepEqual(detail[0].path, "");
    });

    it("S-VAL-1: async refinements run (zod and valibot) and fail as 422", async () => {
      const { client } = validationApp();
      for (const path of ["/signup", "/signup-valibot"]) {
        const free = await client.post(path, jsonBody({ name: "grace" }));
        assert.deepEqual(await free.json(), { body: { name: "grace" } }, path);
        const clash = await client.post(path, jsonBody({ name: "ada" }));
        assert.equal(clash.status, 422, path);
        assert.deepEqual((await clash.json()).detail, [
          { in: "body", path: "/name", message: "name is taken" },
        ]);
      }
    });

    it("S-VAL-1: an error thrown inside a validator is a bug: a 500, reported once", async () => {
      const { client, spy } = validationApp();
      const response = await client.get("/buggy?q=x");
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "Internal Server Error");
      assert.equal(spy.errors.length, 1);
      assert.equal((spy.errors[0] as Error).message, "a bug in the schema");
    });

    it("S-BAD-1, S-VAL-1: the endpoint can still read the raw body the schema validated", async () => {
      const { client } = validationApp();
      const response = await client.post("/raw", jsonBody({ n: "7" }));
      assert.deepEqual(await response.json(), { valid: { n: 7 }, raw: '{"n":"7"}' });
    });

    it("S-VAL-1: a route with no schema gets no ctx.valid and its endpoint runs as given", async () => {
      const { client } = validationApp();
      assert.deepEqual(await (await client.get("/plain")).json(), { valid: false });
      const endpoint = () => new Response("ok");
      assert.equal(new Route("/", endpoint, { methods: ["GET"] }).endpoint, endpoint);
    });

    it("S-VAL-1: a schema that is not a Standard Schema is a TypeError at the route", () => {
      assert.throws(
        () => new Route("/x", echoValid, { body: { parse() {} } as never }),
        (error: Error) =>
          error instanceof TypeError &&
          /route \/x: body must be a Standard Schema v1/.test(error.message),
      );
    });
  });

  describe("S-VAL-1: the order of answers: 415, 413, 400, then 422", () => {
    // The query is invalid in every request: the body's answers still come first.
    const badQuery = "/users?page=zero";
    const valid = JSON.stringify({ name: "Ada", age: 36 });

    it("S-VAL-1: a body that is not JSON is a 415 before any 422", async () => {
      const { client } = validationApp();
      const response = await client.post(badQuery, {
        body: valid,
        headers: { "content-type": "text/plain" },
      });
      assert.equal(response.status, 415);
    });

    it("S-VAL-1: a body over the limit is a 413 before any 422", async () => {
      const { client } = validationApp();
      const huge = JSON.stringify({ name: "a".repeat(1024 * 1024), age: 36 });
      const response = await client.post(badQuery, { body: huge, headers: JSON_TYPE });
      assert.equal(response.status, 413);
    });

    it("S-VAL-1: malformed JSON is a 400 before any 422", async () => {
      const { client } = validationApp();
      const response = await client.post(badQuery, { body: '{"name":', headers: JSON_TYPE });
      assert.equal(response.status, 400);
    });

    it("S-VAL-1: valid JSON with invalid values is one 422 listing every input", async () => {
      const { client } = validationApp();
      const response = await client.post(badQuery, jsonBody({ name: "Ada" }));
      assert.equal(response.status, 422);
      const ins = (await response.json()).detail.map((each: { in: string }) => each.in);
      assert.deepEqual(ins, ["query", "body"]);
    });
  });

  describe("S-VAL-1: no answer carries any part of the input", () => {
    async function assertNoSecret(response: Response, label: string) {
      assert.equal(response.status, 422, label);
      const text = await response.text();
      assert.ok(!text.includes(SECRET), `${label}: ${text}`);
      assert.ok(!text.toLowerCase().includes(SECRET.toLowerCase()), `${label} (any case)`);
      for (const [name, value] of response.headers) {
        assert.ok(!value.includes(SECRET), `${label}: header ${name}`);
      }
      return text;
    }

    const requests: Array<[string, string, RequestInit]> = [
      [
        "valibot body",
        "/items/7",
        jsonBody({ colour: SECRET, size: "m" }, { "x-api-key": "key-a" }),
      ],
      [
        "valibot body after toLowerCase",
        "/items/7",
        jsonBody({ colour: "red", size: SECRET }, { "x-api-key": "key-a" }),
      ],
      [
        "valibot header",
        "/items/7",
        jsonBody({ colour: "red", size: "m" }, { "x-api-key": SECRET }),
      ],
      ["arktype body", "/posts/ok", jsonBody({ stars: 3, note: 5, extra: SECRET })],
      ["arktype nested value", "/posts/ok", jsonBody({ stars: SECRET })],
      ["zod query", `/users?page=${SECRET}`, jsonBody({ name: "Ada", age: 36 })],
      ["zod body", "/users", jsonBody({ name: "Ada", age: SECRET, tags: [{ label: 7 }] })],
    ];

    it("S-VAL-1: in the default JSON answer, whatever the validator's messages quote", async () => {
      const { client } = validationApp();
      for (const [label, path, init] of requests) {
        for (const accept of ACCEPTS) {
          const method = path.startsWith("/items") ? "put" : "post";
          const response = await client[method](path, {
            ...init,
            headers: { ...(init.headers as Record<string, string>), accept },
          });
          await assertNoSecret(response, `${label}, ${accept}`);
        }
      }
    });

    it("S-VAL-1: in problem details, in every negotiated format", async () => {
      const { client } = validationApp({ problems: true });
      for (const [label, path, init] of requests) {
        for (const accept of ACCEPTS) {
          const method = path.startsWith("/items") ? "put" : "post";
          const response = await client[method](path, {
            ...init,
            headers: { ...(init.headers as Record<string, string>), accept },
          });
          await assertNoSecret(response, `${label}, ${accept}`);
        }
      }
    });

    it("S-VAL-1: a secret in the path's params is not echoed either (default handler)", async () => {
      const { client } = validationApp();
      const response = await client.post(`/posts/${SECRET}`, jsonBody({ stars: 3 }));
      const text = await assertNoSecret(response, "arktype params");
      assert.match(text, /"path":"\/slug"/);
    });

    it("S-VAL-1: the message keeps its words, with the quotation replaced", async () => {
      const { client } = validationApp();
      const response = await client.put("/items/7", {
        ...jsonBody({ colour: SECRET, size: "m" }, { "x-api-key": "key-a" }),
      });
      const { detail } = await response.json();
      assert.deepEqual(detail, [
        {
          in: "body",
          path: "/colour",
          message: 'Invalid type: Expected ("red" | "green") but received "…"',
        },
      ]);
    });
  });

  describe("S-VAL-1, S-RES-3, S-RES-7: how a ValidationError is rendered", () => {
    it("S-RES-3: the default handler answers JSON {detail: [...]}", async () => {
      const { client } = validationApp();
      const response = await client.post("/users", jsonBody({ name: "", age: 1 }));
      assert.equal(response.status, 422);
      assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
      assert.deepEqual(await response.json(), {
        detail: [
          {
            in: "body",
            path: "/name",
            message: "Too small: expected string to have >=1 characters",
          },
        ],
      });
    });

    it("S-RES-7: problemDetailsHandlers() answers problem+json with an errors member", async () => {
      const { client } = validationApp({ problems: true });
      const response = await client.post("/users", jsonBody({ name: "", age: 1 }));
      assert.equal(response.status, 422);
      assert.equal(response.headers.get("content-type"), "application/problem+json");
      assert.deepEqual(await response.json(), {
        type: "about:blank",
        title: "Unprocessable Content",
        status: 422,
        instance: "/users",
        errors: [
          {
            in: "body",
            path: "/name",
            message: "Too small: expected string to have >=1 characters",
          },
        ],
      });
    });

    it("S-RES-7: the errors are negotiated as JSON, plain text and escaped HTML", async () => {
      const { client } = validationApp({ problems: true });
      const post = (accept: string) =>
        client.post("/users", jsonBody({ name: "", age: "<b>" }, { accept }));
      const json = await post("application/json");
      assert.equal(json.headers.get("content-type"), "application/json");
      assert.equal((await json.json()).errors.length, 2);
      const text = await post("text/plain");
      assert.match(text.headers.get("content-type") ?? "", /^text\/plain/);
      assert.match(
        await text.text(),
        /^422 Unprocessable Content\nerrors: \[\{"in":"body","path":"\/name"/,
      );
      const html = await post("text/html");
      assert.match(html.headers.get("content-type") ?? "", /^text\/html/);
      const page = await html.text();
      assert.match(page, /&quot;path&quot;: &quot;\/age&quot;/);
      assert.ok(!page.includes("<b>"));
    });

    it("S-LOOK-2: a ValidationError is an HTTPException(422): status and class handlers take it", async () => {
      const seen: unknown[] = [];
      const app = (key: HandlerKey) =>
        new App({
          routes: [new Route("/users", echoValid, { methods: ["POST"], body: NewUser })],
          exceptionHandlers: [
            [
              key,
              (_request, exc) => {
                seen.push(exc);
                return new JSONResponse({ count: exc.detail.length }, { status: 400 });
              },
            ],
          ],
        });
      for (const key of [422, ValidationError, HTTPException]) {
        const response = await quietClient(app(key)).post("/users", jsonBody({}));
        assert.equal(response.status, 400, String(key));
        assert.deepEqual(await response.json(), { count: 2 });
      }
      assert.ok(
        seen.every((exc) => exc instanceof ValidationError && exc instanceof HTTPException),
      );
    });
  });
}
