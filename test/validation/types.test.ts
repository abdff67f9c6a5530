import { type } from "arktype";
import * as v from "valibot";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import {
  type Context,
  JSONResponse,
  Route,
  type RouteContext,
  type RouteEndpoint,
  type ValidationError,
  type ValidationIssue,
  validate,
  type WebSocketSession,
} from "../../src/index.ts";

// Type tests (S-VAL-1): the endpoint sees each schema's output type, with no
// casts. `tsc --noEmit` (in `npm test`) checks them; vitest runs them too.

const ok = () => new JSONResponse({});

describe("S-VAL-1: validated inputs are typed for the endpoint", () => {
  it("S-VAL-1: a route with no schema gets a plain Context, with or without options", () => {
    new Route("/", (_request, ctx) => {
      expectTypeOf(ctx).toEqualTypeOf<Context>();
      return ok();
    });
    new Route(
      "/",
      (_request, ctx) => {
        expectTypeOf(ctx).toEqualTypeOf<Context>();
        return ok();
      },
      { methods: ["POST"] },
    );
  });

  it("S-VAL-1: each named schema's output (after transforms) is on ctx.valid, and only those", () => {
    new Route(
      "/users/{id:int}",
      (_request, ctx) => {
        expectTypeOf(ctx.valid.body).toEqualTypeOf<{ name: string; age: number }>();
        expectTypeOf(ctx.valid.query).toEqualTypeOf<{ page: number }>();
        expectTypeOf(ctx.valid.params).toEqualTypeOf<{ id: number }>();
        expectTypeOf(ctx.valid.headers).toEqualTypeOf<{ "x-key": string }>();
        expectTypeOf(ctx.params).toEqualTypeOf<Record<string, unknown>>();
        return ok();
      },
      {
        methods: ["POST"],
        body: z.object({ name: z.string(), age: z.string().transform(Number) }),
        query: v.object({ page: v.pipe(v.string(), v.transform(Number)) }),
        params: type({ id: "number" }),
        headers: z.object({ "x-key": z.string() }),
      },
    );
    new Route(
      "/",
      (_request, ctx) => {
        expectTypeOf(ctx.valid).toEqualTypeOf<{ query: { q: string } }>();
        // @ts-expect-error no body schema was named
        ctx.valid.body;
        return ok();
      },
      { query: z.object({ q: z.string() }) },
    );
  });

  it("S-VAL-1: an endpoint written apart from its route is typed with RouteEndpoint / RouteContext", () => {
    const Body = z.object({ name: z.string() });
    const create: RouteEndpoint<{ body: typeof Body }> = (_request, ctx) => {
      expectTypeOf(ctx.valid.body).toEqualTypeOf<{ name: string }>();
      return ok();
    };
    new Route("/", create, { methods: ["POST"], body: Body });
    expectTypeOf<RouteContext<{ query: typeof Body }>["valid"]>().toEqualTypeOf<{
      query: { name: string };
    }>();
  });

  it("S-VAL-1: an option that is not a schema does not type-check", () => {
    const build = () =>
      // @ts-expect-error 42 is not a Standard Schema
      new Route("/", ok, { body: 42 });
    expectTypeOf(build).toBeFunction();
  });

  it("S-VAL-1: validated routes go in a routes list like any other", () => {
    const routes: Route[] = [
      new Route("/", ok),
      new Route("/v", (_request, ctx) => new JSONResponse(ctx.valid.body), {
        body: z.string(),
      }),
    ];
    expectTypeOf(routes).toEqualTypeOf<Route[]>();
  });

  it("S-VAL-1: validate() and receiveJson(schema) return the schema's output type", () => {
    expectTypeOf(
      validate(
        z.string().transform((text) => text.length),
        "abc",
      ),
    ).toEqualTypeOf<Promise<number>>();
    expectTypeOf<WebSocketSession["receiveJson"]>().toBeFunction();
    const receive = (ws: WebSocketSession) => ws.receiveJson(v.object({ n: v.number() }));
    expectTypeOf(receive).returns.toEqualTypeOf<Promise<{ n: number }>>();
    const plain = (ws: WebSocketSession) => ws.receiveJson();
    expectTypeOf(plain).returns.toEqualTypeOf<Promise<unknown>>();
  });

  it("S-VAL-1: a ValidationError's detail is a list of issues", () => {
    expectTypeOf<ValidationError["detail"]>().toEqualTypeOf<ValidationIssue[]>();
    expectTypeOf<ValidationIssue["in"]>().toEqualTypeOf<
      "body" | "query" | "params" | "headers" | "message"
    >();
  });
});
