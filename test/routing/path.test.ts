import { RegExpRouter } from "hono/router/reg-exp-router";
import { describe, expect, it } from "vitest";
import {
  type CompiledPath,
  compilePath,
  createHonoRouter,
  findAll,
} from "../../src/routing/path.ts";
import { Route } from "../../src/routing/route.ts";
import { Router } from "../../src/routing/router.ts";

/** A Hono router holding `paths`, registered in order, as the app's router does. */
function routerFor(...paths: string[]) {
  const router = createHonoRouter<CompiledPath>();
  for (const path of paths) {
    const compiled = compilePath(path);
    router.add("ALL", compiled.pattern, compiled);
  }
  return router;
}

/** Every route that matches and converts, as [route path, converted params]. */
function resolve(router: Parameters<typeof findAll<CompiledPath>>[0], path: string) {
  const [matches, stash] = findAll(router, path);
  return matches.flatMap(([handler, params]) => {
    const converted = handler.convert(params, stash);
    return converted === undefined ? [] : [[handler.path, converted] as const];
  });
}

describe("compilePath patterns", () => {
  it("S-ROU-1: {id:int} compiles to a Hono regex parameter", () => {
    const compiled = compilePath("/users/{id:int}");
    expect(compiled.path).toBe("/users/{id:int}");
    expect(compiled.pattern).toBe("/users/:id{[0-9]+}");
    expect(compiled.paramNames).toEqual(["id"]);
  });

  it("S-ROU-1: {name} and {name:str} both compile to a plain Hono parameter", () => {
    expect(compilePath("/hello/{name}").pattern).toBe("/hello/:name");
    expect(compilePath("/hello/{name:str}").pattern).toBe("/hello/:name");
  });

  it("S-ROU-1: a plain path compiles to itself with no parameters", () => {
    const compiled = compilePath("/about/team");
    expect(compiled.pattern).toBe("/about/team");
    expect(compiled.paramNames).toEqual([]);
    expect(compiled.convert({})).toEqual({});
  });

  it("S-ROU-1: paramNames lists every parameter in path order", () => {
    const compiled = compilePath("/v{version:int}/users/{id:uuid}/{rest:path}");
    expect(compiled.paramNames).toEqual(["version", "id", "rest"]);
  });
});

describe("convertors through a Hono router", () => {
  const router = routerFor(
    "/users/{id:int}",
    "/prices/{x:float}",
    "/items/{id:uuid}",
    "/hello/{name}",
    "/files/{rest:path}",
  );

  it("S-ROU-1: {id:int} converts to a number", () => {
    expect(resolve(router, "/users/42")).toEqual([["/users/{id:int}", { id: 42 }]]);
    expect(resolve(router, "/users/007")).toEqual([["/users/{id:int}", { id: 7 }]]);
  });

  it("S-ROU-1: {id:int} does not match text, signs or a trailing slash", () => {
    expect(resolve(router, "/users/abc")).toEqual([]);
    expect(resolve(router, "/users/-1")).toEqual([]);
    expect(resolve(router, "/users/42/")).toEqual([]);
  });

  it("S-ROU-1: {id:int} beyond Number.MAX_SAFE_INTEGER converts to undefined (no match)", () => {
    const compiled = compilePath("/users/{id:int}");
    expect(compiled.convert({ id: String(Number.MAX_SAFE_INTEGER) })).toEqual({
      id: Number.MAX_SAFE_INTEGER,
    });
    expect(compiled.convert({ id: "9007199254740993" })).toBeUndefined();
    expect(resolve(router, "/users/99999999999999999999")).toEqual([]);
  });

  it("S-ROU-1: {x:float} converts decimals and integers to numbers", () => {
    expect(resolve(router, "/prices/1.5")).toEqual([["/prices/{x:float}", { x: 1.5 }]]);
    expect(resolve(router, "/prices/10")).toEqual([["/prices/{x:float}", { x: 10 }]]);
  });

  it("S-ROU-1: {x:float} does not match a bare dot, a sign or an exponent", () => {
    expect(resolve(router, "/prices/1.")).toEqual([]);
    expect(resolve(router, "/prices/-1.5")).toEqual([]);
    expect(resolve(router, "/prices/1e5")).toEqual([]);
  });

  it("S-ROU-1: {x:float} too large to be finite converts to undefined (no match)", () => {
    expect(compilePath("/prices/{x:float}").convert({ x: "9".repeat(400) })).toBeUndefined();
  });

  it("S-ROU-1: {id:uuid} matches any case and converts to lower case", () => {
    expect(resolve(router, "/items/123E4567-e89b-12D3-A456-426614174000")).toEqual([
      ["/items/{id:uuid}", { id: "123e4567-e89b-12d3-a456-426614174000" }],
    ]);
  });

  it("S-ROU-1: {id:uuid} takes Starlette's undashed form too, any case, and converts to the dashed form", () => {
    for (const raw of ["00000000aaaaffff9999000000000000", "00000000AAAAFFFF9999000000000000"]) {
      expect(resolve(router, `/items/${raw}`)).toEqual([
        ["/items/{id:uuid}", { id: "00000000-aaaa-ffff-9999-000000000000" }],
      ]);
    }
  });

  it("S-ROU-1: {id:uuid} does not match a malformed uuid", () => {
    expect(resolve(router, "/items/123e4567-e89b-12d3-a456-42661417400")).toEqual([]);
    expect(resolve(router, "/items/123e4567e89b12d3a45642661417400")).toEqual([]);
    expect(resolve(router, "/items/g23e4567-e89b-12d3-a456-426614174000")).toEqual([]);
  });

  it("S-ROU-1: {name} matches one non-empty segment as a string", () => {
    expect(resolve(router, "/hello/ada")).toEqual([["/hello/{name}", { name: "ada" }]]);
    expect(resolve(router, "/hello/")).toEqual([]);
    expect(resolve(router, "/hello/ada/lovelace")).toEqual([]);
  });

  it("S-ROU-1: {rest:path} spans slashes and may be empty, like Starlette's .*", () => {
    expect(resolve(router, "/files/a/b/c.txt")).toEqual([
      ["/files/{rest:path}", { rest: "a/b/c.txt" }],
    ]);
    expect(resolve(router, "/files/")).toEqual([["/files/{rest:path}", { rest: "" }]]);
    expect(resolve(router, "/files")).toEqual([]);
  });
});

describe("several and mid-segment parameters", () => {
  it("S-ROU-1: several parameters in one path each convert", () => {
    const router = routerFor("/users/{id:int}/posts/{slug}/v/{x:float}");
    expect(resolve(router, "/users/3/posts/hello/v/2.5")).toEqual([
      ["/users/{id:int}/posts/{slug}/v/{x:float}", { id: 3, slug: "hello", x: 2.5 }],
    ]);
    expect(resolve(router, "/users/3/posts/hello/v/two")).toEqual([]);
  });

  it("S-ROU-1: a parameter mid-segment matches and converts", () => {
    const router = routerFor("/v{version:int}/x");
    expect(compilePath("/v{version:int}/x").pattern).toBe("/:0{v[0-9]+}/x");
    expect(resolve(router, "/v2/x")).toEqual([["/v{version:int}/x", { version: 2 }]]);
    expect(resolve(router, "/vx/x")).toEqual([]);
    expect(resolve(router, "/2/x")).toEqual([]);
  });

  it("S-ROU-1: two parameters in one segment split as in Starlette", () => {
    const router = routerFor("/{major:int}.{minor:int}", "/{a}-{b}");
    expect(resolve(router, "/3.14")).toEqual([
      ["/{major:int}.{minor:int}", { major: 3, minor: 14 }],
    ]);
    expect(resolve(router, "/x-y-z")).toEqual([["/{a}-{b}", { a: "x-y", b: "z" }]]);
  });

  it("S-ROU-1: {rest:path} followed by more path matches across slashes", () => {
    const router = routerFor("/files/{rest:path}/edit", "/dl/{rest:path}/{name}.{ext}");
    expect(resolve(router, "/files/a/b/edit")).toEqual([
      ["/files/{rest:path}/edit", { rest: "a/b" }],
    ]);
    expect(resolve(router, "/files/edit")).toEqual([]);
    expect(resolve(router, "/dl/a/b/report.pdf")).toEqual([
      ["/dl/{rest:path}/{name}.{ext}", { rest: "a/b", name: "report", ext: "pdf" }],
    ]);
  });

  it("S-ROU-1: literal text Hono would read as syntax is matched literally", () => {
    const router = routerFor("/lit/a+b", "/lit/:x", "/lit/*", "/lit/why?");
    expect(resolve(router, "/lit/a+b")).toEqual([["/lit/a+b", {}]]);
    expect(resolve(router, "/lit/aab")).toEqual([]);
    expect(resolve(router, "/lit/:x")).toEqual([["/lit/:x", {}]]);
    expect(resolve(router, "/lit/anything")).toEqual([]);
    expect(resolve(router, "/lit/*")).toEqual([["/lit/*", {}]]);
    expect(resolve(router, "/lit/why?")).toEqual([["/lit/why?", {}]]);
    expect(resolve(router, "/lit/why")).toEqual([]);
  });
});

describe("findAll", () => {
  it("S-ROU-1: overlapping routes come back in registration order (static first)", () => {
    const router = routerFor("/users/me", "/users/{name}");
    expect(resolve(router, "/users/me")).toEqual([
      ["/users/me", {}],
      ["/users/{name}", { name: "me" }],
    ]);
  });

  it("S-ROU-1: overlapping routes come back in registration order (parameter first)", () => {
    const router = routerFor("/users/{name}", "/users/{id:int}", "/users/me");
    expect(resolve(router, "/users/me")).toEqual([
      ["/users/{name}", { name: "me" }],
      ["/users/me", {}],
    ]);
    expect(resolve(router, "/users/5")).toEqual([
      ["/users/{name}", { name: "5" }],
      ["/users/{id:int}", { id: 5 }],
    ]);
  });

  it("S-ROU-2: a path no route matches gives no matches", () => {
    expect(findAll(routerFor("/users/{id:int}", "/"), "/nowhere")[0]).toEqual([]);
  });

  it("S-ROU-1: a Router rebuilds its matcher, so routes added after a request are found", async () => {
    const router = new Router([new Route("/a", () => new Response("a"))]);
    expect(await (await router.fetch(new Request("http://x/a"))).text()).toBe("a");
    router.add(new Route("/b/{n:int}", (_request, ctx) => new Response(`b${ctx.params.n}`)));
    expect(await (await router.fetch(new Request("http://x/b/1"))).text()).toBe("b1");
  });

  it("S-ROU-1: the table falls back to the trie when RegExpRouter cannot express it", () => {
    // `/users/me` + `/users/{name}` overlap and `{rest:path}` is `.*`: both need the trie.
    expect(resolve(routerFor("/users/me", "/users/{name}"), "/users/me")).toEqual([
      ["/users/me", {}],
      ["/users/{name}", { name: "me" }],
    ]);
    expect(resolve(routerFor("/files/{rest:path}"), "/files/a/b")).toEqual([
      ["/files/{rest:path}", { rest: "a/b" }],
    ]);
  });

  it("S-ROU-1: parameters are also read from RegExpRouter's [[handler, indexMap][], stash] shape", () => {
    const router = new RegExpRouter<CompiledPath>();
    for (const path of ["/users/{id:int}/{action}", "/static"]) {
      const compiled = compilePath(path);
      router.add("ALL", compiled.pattern, compiled);
    }
    expect(findAll(router, "/users/7/edit")[1]).toBeDefined(); // the stash shape, not the trie's
    expect(resolve(router, "/users/7/edit")).toEqual([
      ["/users/{id:int}/{action}", { id: 7, action: "edit" }],
    ]);
    expect(resolve(router, "/static")).toEqual([["/static", {}]]);
  });
});

describe("bad route paths", () => {
  it("S-ROU-1: an unknown convertor is a TypeError listing the known ones", () => {
    expect(() => compilePath("/users/{id:integer}")).toThrow(TypeError);
    expect(() => compilePath("/users/{id:integer}")).toThrow(
      /Unknown convertor "integer".*known convertors: str, path, int, float, uuid/,
    );
    expect(() => compilePath("/users/{id:}")).toThrow(/Unknown convertor ""/);
  });

  it("S-ROU-1: a duplicate parameter name is a TypeError", () => {
    expect(() => compilePath("/{id:int}/x/{id}")).toThrow(TypeError);
    expect(() => compilePath("/{id:int}/x/{id}")).toThrow(/Duplicate parameter "id"/);
  });

  it("S-ROU-1: a path not starting with / is a TypeError", () => {
    expect(() => compilePath("users/{id}")).toThrow(TypeError);
    expect(() => compilePath("users/{id}")).toThrow(/must start with "\/"/);
    expect(() => compilePath("")).toThrow(/must start with "\/"/);
  });

  it.each(["/users/{id", "/users/id}", "/users/{{id}}", "/{a{b}}/x"])(
    "S-ROU-1: unbalanced braces (%s) are a TypeError",
    (path) => {
      expect(() => compilePath(path)).toThrow(TypeError);
      expect(() => compilePath(path)).toThrow(/Unbalanced braces/);
    },
  );

  it.each(["/{1x}", "/{}", "/{a-b}", "/{:int}", "/{a b}", "/{a/b}"])(
    "S-ROU-1: a parameter name that is not an identifier (%s) is a TypeError",
    (path) => {
      expect(() => compilePath(path)).toThrow(TypeError);
      expect(() => compilePath(path)).toThrow(/not an identifier/);
    },
  );

  it("S-ROU-1: the name __proto__ is a TypeError, since Hono cannot carry it", () => {
    expect(() => compilePath("/{__proto__}")).toThrow(TypeError);
    expect(() => compilePath("/{__proto__}")).toThrow(/reserved/);
  });
});
