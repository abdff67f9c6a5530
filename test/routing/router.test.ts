import { describe, expect, it } from "vitest";
import { RequestContext } from "../../src/context.ts";
import { HTTPException } from "../../src/exceptions.ts";
import { PlainTextResponse } from "../../src/responses.ts";
import { Route } from "../../src/routing/route.ts";
import { Router } from "../../src/routing/router.ts";

const router = new Router([
  new Route("/items", () => new PlainTextResponse("items"), { methods: ["GET", "POST"] }),
]);

function request(path: string, method = "GET"): [Request, RequestContext] {
  const req = new Request(`http://test${path}`, { method });
  return [req, new RequestContext(req)];
}

describe("Router misses", () => {
  it("S-ROU-2: on its own, a router throws its 404 for the exception layer", () => {
    expect(() => router.handle(...request("/nowhere"))).toThrow(HTTPException);
  });

  it("S-EXC-6: for the exception layer right outside, a 404 is returned, not thrown", () => {
    const miss = router.routeOrMiss(...request("/nowhere"));
    expect(miss).toBeInstanceOf(HTTPException);
    expect((miss as HTTPException).statusCode).toBe(404);
  });

  it("S-ROU-3: a 405 is returned with its Allow header", () => {
    const miss = router.routeOrMiss(...request("/items", "DELETE")) as HTTPException;
    expect(miss.statusCode).toBe(405);
    expect(miss.headers?.get("allow")).toBe("GET, HEAD, POST");
  });

  it("S-ROU-4: a trailing-slash redirect and a match are responses", async () => {
    const redirect = router.routeOrMiss(...request("/items/")) as Response;
    expect(redirect.status).toBe(307);
    const found = (await router.routeOrMiss(...request("/items"))) as Response;
    expect(await found.text()).toBe("items");
  });
});
