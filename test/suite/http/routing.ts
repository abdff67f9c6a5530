import assert from "node:assert/strict";
import { App } from "../../../src/app.ts";
import { JSONResponse, PlainTextResponse } from "../../../src/responses.ts";
import { Mount, Route } from "../../../src/routing/route.ts";
import { Router } from "../../../src/routing/router.ts";
import type { Context } from "../../../src/types.ts";
import type { SuiteApi } from "../api.ts";
import { mediaType, quietClient, reportSpy, WIRE_TEXT_PLAIN } from "./support.ts";

/** Answers with its converted params, so tests can check their values and types. */
const echoParams = (_request: Request, ctx: Context) => new JSONResponse(ctx.params);
const echoPath = (request: Request) => new PlainTextResponse(new URL(request.url).pathname);
const ok = (body: string) => () => new PlainTextResponse(body, { headers: { "x-route": body } });

const UUID = "3F2504E0-4F89-11D3-9A0C-0305E82C3301";

const ITEM_ROUTES = [
  new Route("/items", ok("post"), { methods: ["POST"] }),
  new Route("/items", ok("get/delete"), { methods: ["DELETE", "GET"] }),
  new Route("/items", ok("others"), { methods: ["purge", "OPTIONS", "LINK", "PATCH"] }),
];
const EXPECTED_ALLOW = "GET, HEAD, POST, PATCH, DELETE, OPTIONS, LINK, PURGE";

export function routingSuite({ describe, it }: SuiteApi): void {
  describe("routing", () => {
    it("S-ROU-1: every convertor turns its segment into a typed param (uuid: Starlette's regex)", async () => {
      const app = new App({
        routes: [
          new Route("/str/{name}", echoParams),
          new Route("/int/{id:int}", echoParams),
          new Route("/float/{x:float}", echoParams),
          new Route("/path/{rest:path}", echoParams),
          new Route("/uuid/{u:uuid}", echoParams),
          new Route("/two/{a:int}/{b}", echoParams),
        ],
      });
      const client = quietClient(app);
      const params = async (path: string) => (await client.get(path)).json();
      assert.deepEqual(await params("/str/hello%20world"), { name: "hello world" });
      assert.deepEqual(await params("/int/42"), { id: 42 });
      assert.deepEqual(await params("/float/1.5"), { x: 1.5 });
      assert.deepEqual(await params("/path/a/b/c.txt"), { rest: "a/b/c.txt" });
      assert.deepEqual(await params(`/uuid/${UUID}`), { u: UUID.toLowerCase() });
      // Starlette's regex takes the undashed form too; the value is the dashed one.
      assert.deepEqual(await params("/uuid/00000000AAAAffff9999000000000000"), {
        u: "00000000-aaaa-ffff-9999-000000000000",
      });
      assert.deepEqual(await params("/two/7/x"), { a: 7, b: "x" });
    });

    it("S-ROU-1: a segment its convertor refuses does not match", async () => {
      const app = new App({
        routes: [new Route("/int/{id:int}", echoParams), new Route("/uuid/{u:uuid}", echoParams)],
      });
      const client = quietClient(app);
      for (const path of ["/int/abc", "/int/-1", "/int/1.5", "/uuid/not-a-uuid"]) {
        assert.equal((await client.get(path)).status, 404, path);
      }
    });

    it("S-ROU-2: no match inside an app is an HTTPException(404) that handlers answer", async () => {
      const app = new App({
        routes: [new Route("/", ok("home"))],
        exceptionHandlers: {
          404: (request) =>
            new JSONResponse({ missing: new URL(request.url).pathname }, { status: 404 }),
        },
      });
      const response = await quietClient(app).get("/nowhere");
      assert.equal(response.status, 404);
      assert.deepEqual(await response.json(), { missing: "/nowhere" });
    });

    it("S-ROU-2: a bare Router answers 404 (and 405) itself", async () => {
      const router = new Router([new Route("/", ok("home"))]);
      const client = quietClient(router);
      const missing = await client.get("/nowhere");
      assert.equal(missing.status, 404);
      assert.equal(await missing.text(), "Not Found");
      const wrongMethod = await client.post("/");
      assert.equal(wrongMethod.status, 405);
      assert.equal(wrongMethod.headers.get("allow"), "GET, HEAD");
      assert.equal(await (await client.get("/")).text(), "home");
    });

    it("S-ROU-1: the first route listed that matches wins, a parameter route or a static one", async () => {
      const byName = new Route("/users/{name}", echoParams);
      const me = new Route("/users/me", ok("me"));
      const paramFirst = quietClient(new App({ routes: [byName, me] }));
      const answer = await paramFirst.get("/users/me");
      assert.deepEqual(await answer.json(), { name: "me" });
      const staticFirst = quietClient(new App({ routes: [me, byName] }));
      assert.equal((await staticFirst.get("/users/me")).headers.get("x-route"), "me");
      assert.deepEqual(await (await staticFirst.get("/users/ada")).json(), { name: "ada" });
    });

    it("S-ROU-1: on a static path, each method gets the first route listed for it", async () => {
      const client = quietClient(new App({ routes: ITEM_ROUTES }));
      assert.equal((await client.post("/items")).headers.get("x-route"), "post");
      assert.equal((await client.get("/items")).headers.get("x-route"), "get/delete");
      assert.equal((await client.head("/items")).headers.get("x-route"), "get/delete");
      assert.equal((await client.delete("/items")).headers.get("x-route"), "get/delete");
      const purge = await client.request("PURGE", "/items");
      assert.equal(purge.headers.get("x-route"), "others");
      const dup = new App({
        routes: [new Route("/a", ok("first")), new Route("/a", ok("second"))],
      });
      assert.equal((await quietClient(dup).get("/a")).headers.get("x-route"), "first");
    });

    it("S-ROU-1: a path without parameters gives each request its own empty, writable params", async () => {
      const seen: Record<string, unknown>[] = [];
      const note = (_request: Request, ctx: Context) => {
        const before = { ...ctx.params };
        ctx.params.visited = true;
        seen.push(ctx.params);
        return new JSONResponse({ before, route: ctx.route });
      };
      const inner = new Router([new Route("/me", note)]);
      const app = new App({ routes: [new Route("/me", note), new Mount("/api", inner)] });
      const client = quietClient(app);
      for (const path of ["/me", "/me", "/api/me", "/api/me"]) {
        const body = await (await client.get(path)).json();
        assert.deepEqual(body, { before: {}, route: path });
      }
      assert.equal(new Set(seen).size, 4);
    });

    it("S-ROU-3: 405 lists every method of every route on the path, in canonical order", async () => {
      const client = quietClient(new App({ routes: ITEM_ROUTES }));
      const response = await client.put("/items");
      assert.equal(response.status, 405);
      assert.equal(response.headers.get("allow"), EXPECTED_ALLOW);
      assert.equal(await response.text(), "Method Not Allowed");
    });

    it("S-ROU-3: the Allow header does not depend on the order of the routes", async () => {
      const reversed = new App({ routes: [...ITEM_ROUTES].reverse() });
      const response = await quietClient(reversed).put("/items");
      assert.equal(response.headers.get("allow"), EXPECTED_ALLOW);
    });

    it("S-ROU-3: the 405 goes through the handler table", async () => {
      const app = new App({
        routes: ITEM_ROUTES,
        exceptionHandlers: {
          405: (_request, exc) =>
            new JSONResponse({ allow: exc.headers.get("allow") }, { status: 405 }),
        },
      });
      const response = await quietClient(app).put("/items");
      assert.equal(response.status, 405);
      assert.deepEqual(await response.json(), { allow: EXPECTED_ALLOW });
    });

    it("S-ROU-4: a trailing-slash mismatch redirects with 307, keeping the query", async () => {
      const app = new App({
        routes: [new Route("/items", ok("items")), new Route("/dir/", ok("dir"))],
      });
      const client = quietClient(app);
      const added = await client.get("/items/?page=2&q=a%20b", { redirect: "manual" });
      assert.equal(added.status, 307);
      assert.equal(added.headers.get("location"), "/items?page=2&q=a%20b");
      const removed = await client.get("/dir", { redirect: "manual" });
      assert.equal(removed.status, 307);
      assert.equal(removed.headers.get("location"), "/dir/");
      assert.equal(await (await client.get("/items/")).text(), "items");
      assert.equal((await client.get("/neither/", { redirect: "manual" })).status, 404);
    });

    it("S-ROU-4: a slash is added for a parameter route written with one, or a path parameter", async () => {
      const routes = [
        [new Route("/users/{id:int}/", ok("user")), "/users/5", "/users/5/"],
        [new Route("/files/{rest:path}", ok("files")), "/files", "/files/"],
        [new Route("/plain", ok("plain")), "/nothing", undefined],
      ] as const;
      for (const [route, path, location] of routes) {
        const client = quietClient(new App({ routes: [route] }));
        const response = await client.get(path, { redirect: "manual" });
        assert.equal(response.status, location ? 307 : 404, path);
        assert.equal(response.headers.get("location"), location ?? null, path);
      }
    });

    it("S-ROU-5: malformed percent-encoding in the path is a 400, not reported", async () => {
      const spy = reportSpy();
      const app = new App({
        routes: [new Route("/{name}", echoParams)],
        onError: spy.onError,
      });
      const client = quietClient(app);
      for (const path of ["/%zz", "/%E0%A4%A", "/%", "/a%2", "/%C3%28"]) {
        const response = await client.get(path);
        assert.equal(response.status, 400, path);
      }
      assert.deepEqual(spy.errors, []);
    });

    it("S-ROU-6: a GET route answers HEAD with the same status and headers, no body", async () => {
      const app = new App({
        routes: [
          new Route("/", ok("home")),
          new Route("/created", () => new PlainTextResponse("made", { status: 201 })),
          new Route("/post-only", ok("post"), { methods: ["POST"] }),
        ],
      });
      // Straight to app.fetch: the test client would drop a HEAD body itself.
      const head = await app.fetch(new Request("http://testserver/", { method: "HEAD" }));
      assert.equal(head.status, 200);
      assert.equal(head.body, null);
      assert.equal(head.headers.get("x-route"), "home");
      // A HEAD has no body for the runtime to type, so it carries the type its GET is sent with.
      assert.equal(mediaType(head.headers.get("content-type")), WIRE_TEXT_PLAIN);
      const created = await app.fetch(new Request("http://testserver/created", { method: "HEAD" }));
      assert.equal(created.status, 201);
      assert.equal(created.body, null);
      const refused = await app.fetch(
        new Request("http://testserver/post-only", { method: "HEAD" }),
      );
      assert.equal(refused.status, 405);
      assert.equal(refused.headers.get("allow"), "POST");
    });

    it("S-ROU-1: under a Mount, paths match without the prefix (App, Router, fetch handler)", async () => {
      const subApp = new App({
        routes: [new Route("/users/{id:int}", echoParams), new Route("/", ok("app root"))],
      });
      const subRouter = new Router([new Route("/where", echoPath)]);
      const app = new App({
        routes: [
          new Mount("/app", subApp),
          new Mount("/router", subRouter),
          new Mount("/fn", echoPath),
          new Mount("/object/", { fetch: echoPath }),
        ],
      });
      const client = quietClient(app);
      assert.deepEqual(await (await client.get("/app/users/5")).json(), { id: 5 });
      assert.equal(await (await client.get("/app")).text(), "app root");
      // Routers see the whole request; routing used the rest of the path.
      assert.equal(await (await client.get("/router/where")).text(), "/router/where");
      assert.equal(await (await client.get("/fn/deep/path")).text(), "/deep/path");
      assert.equal(await (await client.get("/fn")).text(), "/");
      assert.equal(await (await client.get("/object/x")).text(), "/x");
      assert.equal((await client.get("/router/nowhere")).status, 404);
    });
  });
}
