/**
 * S7 declared with a schema: the bench's edgelette app with `POST /users`
 * validated by a `body` schema (zod, valibot or arktype) instead of
 * `readJson` and a hand-written check. The schemas hold S7's rules
 * (`userProblem`): a non-empty string name, an integer age from 0 to 150.
 * Everything else is the edgelette app as the main bench builds it.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { type } from "arktype";
import * as v from "valibot";
import { z } from "zod";
import { App, HTTPException, JSONResponse, Route } from "../../src/index.ts";
import type { NewUser } from "./validate.ts";

export const VALIDATORS = ["zod", "valibot", "arktype"] as const;
export type ValidatorName = (typeof VALIDATORS)[number];

const SCHEMAS: Record<ValidatorName, StandardSchemaV1<unknown, NewUser>> = {
  zod: z.object({ name: z.string().min(1), age: z.number().int().min(0).max(150) }),
  valibot: v.object({
    name: v.pipe(v.string(), v.minLength(1)),
    age: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(150)),
  }),
  arktype: type({ name: "string > 0", age: "0 <= number.integer <= 150" }),
};

export function createValidatedApp(validator: ValidatorName): App {
  const createUser = new Route(
    "/users",
    (_request, ctx) => {
      const { name, age } = ctx.valid.body;
      return new JSONResponse({ id: 1, name, age }, { status: 201 });
    },
    { methods: ["POST"], body: SCHEMAS[validator] },
  );
  return new App({
    routes: [createUser],
    exceptionHandlers: [
      [
        HTTPException,
        (_request, exc: HTTPException) =>
          new JSONResponse({ detail: exc.detail }, { status: exc.statusCode }),
      ],
    ],
    onError: () => {},
  });
}
