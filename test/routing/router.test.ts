import { describe, expect, it } from "vitest";
import type { Recover } from "../../src/answer.ts";
import { RequestContext } from "../../src/context.ts";
import { HTTPException } from "../../src/exceptions.ts";
import { PlainTextResponse } from "../../src/responses.ts";
import { Route } from "../../src/routing/route.ts";
import { Router } from "../../src/routing/router.ts";

const router = new Router([
  new Route("/items", () => new PlainTextResponse("items"), { methods: ["GET", "POST"] }),
]);

function call(
  layer: (request: Request, ctx: RequestContext) => unknown,
  path: string,
  method = "GET",
) {
  const request = new Request(`http://test${path}`, { method });
  return layer(request, new RequestContext(request));
}

/** Records what the router hands over, and answers with a marker response. */
function recorder() {
  const handed: unknown[] = [];
  const miss: Recover = (error) => {
    handed.push(error);
    return new PlainTextResponse("handed over");
  };
  return { handed, miss };
}

describe("Router misses", () => {
  it("S-ROU-2: on its own, a router throws its 404 for the exception layer", () => {
    expect(() => call(router.handle, "/nowhere")).toThrow(HTTPException);
  });

  it("S-EXC-6: inside an exception layer, a 404 is handed over, not thrown", () => {
    const { handed, miss } = recorder();
    const answer = call(router.handingMissesTo(miss), "/nowhere") as Response;
    expect(answer).toBeInstanceOf(Response);
    expect(handed).toHaveLength(1);
    expect((handed[0] as HTTPException).statusCode).toBe(404);
  });

  it("S-ROU-3: a 405 is handed over with its Allow header", () => {
    const { handed, miss } = recorder();
    call(router.handingMissesTo(miss), "/items", "DELETE");
    const exc = handed[0] as HTTPException;
    expect(exc.statusCode).toBe(405);
    expect(exc.headers?.get("allow")).toBe("GET, HEAD, POST");
  });

  it("S-ROU-4: a trailing-slash redirect and a match hand nothing over", async () => {
    const { handed, miss } = recorder();
    const redirect = call(router.handingMissesTo(miss), "/items/") as Response;
    expect(redirect.status).toBe(307);
    const found = (await call(router.handingMissesTo(miss), "/items")) as Response;
    expect(await found.text()).toBe("items");
    expect(handed).toEqual([]);
  });
});
