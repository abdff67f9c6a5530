import type { StandardSchemaV1 } from "@standard-schema/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../src/app.ts";
import { JSONResponse } from "../../src/responses.ts";
import { Route } from "../../src/routing/route.ts";
import { TestClient } from "../../src/testing/index.ts";

// The edges of a route's validation that need Node's process hooks or
// hand-made schemas; the behaviour with real libraries is in the shared suite.

function schemaOf(
  validate: StandardSchemaV1["~standard"]["validate"],
): StandardSchemaV1<unknown, unknown> {
  return { "~standard": { version: 1, vendor: "test", validate } };
}

const echo = (_request: Request, ctx: { valid: unknown }) => new JSONResponse(ctx.valid);

describe("S-VAL-1: a route's validators", () => {
  const unhandled: unknown[] = [];
  const listener = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on("unhandledRejection", listener);
  });
  afterEach(() => {
    process.off("unhandledRejection", listener);
  });

  it("S-REP-4: an async validator still running when another throws never rejects unobserved", async () => {
    const reported: unknown[] = [];
    const slowFailure = schemaOf(
      () => new Promise((_resolve, reject) => setTimeout(() => reject(new Error("later")), 5)),
    );
    const thrower = schemaOf(() => {
      throw new Error("at once");
    });
    const app = new App({
      routes: [new Route("/x", echo, { params: slowFailure, query: thrower })],
      onError: (error) => reported.push(error),
    });
    const response = await new TestClient(app, { raiseServerExceptions: false }).get("/x");
    expect(response.status).toBe(500);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(unhandled).toEqual([]);
    expect(reported.map((error) => (error as Error).message)).toEqual(["at once"]);
  });

  it("S-VAL-1: a validator answering with a thenable (not a native promise) is awaited", async () => {
    const thenable = schemaOf(
      (value) =>
        ({
          // biome-ignore lint/suspicious/noThenProperty: the point is a non-native thenable
          then(resolve: (result: unknown) => void): void {
            setTimeout(() => resolve({ value: { seen: value } }), 1);
          },
        }) as never,
    );
    const app = new App({ routes: [new Route("/t/{id}", echo, { params: thenable })] });
    const response = await new TestClient(app).get("/t/7");
    expect(await response.json()).toEqual({ params: { seen: { id: "7" } } });
  });

  it("S-VAL-1: async validators of several inputs run side by side, their issues joined in input order", async () => {
    const failing = (message: string, ms: number) =>
      schemaOf(
        () => new Promise((resolve) => setTimeout(() => resolve({ issues: [{ message }] }), ms)),
      );
    const app = new App({
      routes: [new Route("/j", echo, { params: failing("p", 10), query: failing("q", 1) })],
    });
    const response = await new TestClient(app).get("/j");
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      detail: [
        { in: "params", path: "", message: "p" },
        { in: "query", path: "", message: "q" },
      ],
    });
  });

  it("S-VAL-1: the query is read from a path-only URL too (Bun's, for a request without Host)", async () => {
    const route = new Route("/s", echo, { query: schemaOf((value) => ({ value })) });
    const pathOnly = { url: "/s?q=1&q=2", headers: new Headers(), method: "GET" } as Request;
    const ctx = { params: {}, env: {}, state: {}, waitUntil() {} };
    const response = await route.endpoint(pathOnly, ctx);
    expect(await response.json()).toEqual({ query: { q: ["1", "2"] } });
  });
});
