import { describe, expect, it } from "vitest";
import { HTTPException } from "../../src/exceptions.ts";
import { PlainTextResponse } from "../../src/responses.ts";
import { Mount, Route, WebSocketRoute } from "../../src/routing/route.ts";
import { Router } from "../../src/routing/router.ts";

const items = new Route("/items", () => new PlainTextResponse("items"), {
  methods: ["GET", "POST"],
});
const user = new Route("/users/{id:int}", () => new PlainTextResponse("user"));
const router = new Router([items, new Mount("/api", new Router([user]))]);

function get(path: string, method = "GET"): Request {
  return new Request(`http://test${path}`, { method });
}

describe("Router.match: what it found, without answering", () => {
  it("S-ROU-1: a route with its converted params and its pattern", () => {
    const found = router.match(get("/items"));
    expect(found).toMatchObject({ kind: "route", route: items, params: {}, pattern: "/items" });
  });

  it("S-ROU-1: paths of the same length each find their own route; another of that length is a 404", () => {
    const admin = new Route("/admin", () => new PlainTextResponse("admin"));
    const users = new Route("/users", () => new PlainTextResponse("users"));
    const sameLength = new Router([admin, users, new Route("/", () => new PlainTextResponse("/"))]);
    expect(sameLength.match(get("/users"))).toMatchObject({ kind: "route", route: users });
    expect(sameLength.match(get("/admin"))).toMatchObject({ kind: "route", route: admin });
    const miss = sameLength.match(get("/other"));
    expect(miss.kind === "miss" && (miss.answer as HTTPException).statusCode).toBe(404);
  });

  it("S-OBS-1: a mounted router is entered at once; the pattern joins the prefixes", () => {
    const found = router.match(get("/api/users/7"));
    expect(found).toMatchObject({ kind: "route", route: user, params: { id: 7 } });
    expect(found.kind === "route" && found.pattern).toBe("/api/users/{id:int}");
  });

  it("S-ROU-2: a 404 is returned as an HTTPException, not thrown", () => {
    const found = router.match(get("/nowhere"));
    expect(found.kind).toBe("miss");
    const answer = found.kind === "miss" ? found.answer : undefined;
    expect(answer).toBeInstanceOf(HTTPException);
    expect((answer as HTTPException).statusCode).toBe(404);
  });

  it("S-ROU-3: a 405 is returned with its Allow header", () => {
    const found = router.match(get("/items", "DELETE"));
    const answer = found.kind === "miss" ? (found.answer as HTTPException) : undefined;
    expect(answer?.statusCode).toBe(405);
    expect(answer?.headers?.get("allow")).toBe("GET, HEAD, POST");
  });

  it("S-ROU-4: a trailing-slash redirect is a response", () => {
    const found = router.match(get("/items/"));
    const answer = found.kind === "miss" ? (found.answer as Response) : undefined;
    expect(answer?.status).toBe(307);
    expect(answer?.headers.get("location")).toBe("/items");
  });

  it("S-ROU-1: a URL as Deno hands it over (dot segments, backslashes, %2e kept) routes as WHATWG URL resolves it", () => {
    const raw = (url: string) => ({ method: "GET", url, headers: new Headers() }) as Request;
    for (const url of [
      "http://test/x/../items",
      "http://test/./items",
      "http://test/x/%2e%2e/items",
      "http://test/x/%2E%2E/items",
      "http://test/x\\..\\items",
      "http://test/%69tems",
      "/x/../items",
    ]) {
      expect(router.match(raw(url)), url).toMatchObject({ kind: "route", route: items });
    }
    // What follows `?` or `#` is not the path, whatever it holds.
    for (const url of ["http://test/items?next=/./%zz\\", "http://test/items#/../%"]) {
      expect(router.match(raw(url)), url).toMatchObject({ kind: "route", route: items });
    }
  });

  it("S-ROU-5: a malformed or climbing path is a 400", () => {
    for (const path of ["/items/%E0%A4%A", "/api/..%2F..%2Fetc"]) {
      const found = router.match(get(path));
      const answer = found.kind === "miss" ? (found.answer as HTTPException) : undefined;
      expect(answer?.statusCode).toBe(400);
    }
  });

  it("S-WS-5: Upgrade is read only where a WebSocket route matches the path", () => {
    let reads = 0;
    const headers = new Proxy(new Headers({ upgrade: "websocket" }), {
      get(target, name) {
        if (name === "get") reads++;
        const value = Reflect.get(target, name);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const request = { method: "GET", url: "http://test/items", headers } as unknown as Request;
    const withSocket = new Router([items, new WebSocketRoute("/ws", async () => {})]);
    expect(withSocket.match(request).kind).toBe("route");
    expect(reads).toBe(0);
    const upgrade = { ...request, url: "http://test/ws", method: "GET", headers } as Request;
    expect(withSocket.match(upgrade).kind).toBe("websocket");
    expect(reads).toBe(1);
  });
});

describe("Router.fetch: a router on its own", () => {
  it("S-ROU-2: answers its misses with the default handlers", async () => {
    const response = await router.fetch(get("/nowhere"));
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("Not Found");
    expect(await (await router.fetch(get("/api/users/3"))).text()).toBe("user");
  });
});
