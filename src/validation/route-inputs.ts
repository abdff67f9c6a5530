import { readJson } from "../request-body.ts";
import type { Context, Endpoint } from "../types.ts";
import { joinValidationErrors, ValidationError } from "./error.ts";
import { assertSchema, check, type OutputOf, type Schema } from "./validate.ts";

/**
 * Validation declared on a `Route`: schemas for the JSON body, the query, the
 * path parameters and the headers; the endpoint finds the outputs on `ctx.valid`.
 */

/** The inputs a route can validate, in the order they are checked. */
const SOURCES = ["params", "query", "headers", "body"] as const;
type RouteSource = (typeof SOURCES)[number];

/** The schemas a route may name; any Standard Schema v1 validator. */
export type RouteSchemas = { [K in RouteSource]?: Schema };

/** The validated values, one per schema the route names, with their output types. */
export type ValidInputs<S> = {
  [K in keyof S & RouteSource as S[K] extends Schema ? K : never]: S[K] extends Schema
    ? OutputOf<S[K]>
    : never;
};

/** The context of a route's endpoint: `ctx.valid` exists when the route names a schema. */
export type RouteContext<S> = [keyof ValidInputs<S>] extends [never]
  ? Context
  : Context & { valid: ValidInputs<S> };

/** A route's endpoint, typed by the schemas the route names. */
export type RouteEndpoint<S> = (
  request: Request,
  ctx: RouteContext<S>,
) => Response | Promise<Response>;

/**
 * The endpoint as the route runs it: itself when the route names no schema
 * (no work added), else wrapped so the inputs are validated first.
 */
export function withValidation(path: string, endpoint: Endpoint, options: RouteSchemas): Endpoint {
  const schemas = schemasOf(path, options);
  if (schemas.length === 0) return endpoint;
  return async (request, ctx) => {
    (ctx as Context & { valid: unknown }).valid = await validInputs(schemas, request, ctx);
    return endpoint(request, ctx);
  };
}

function schemasOf(path: string, options: RouteSchemas): Array<[RouteSource, Schema]> {
  const schemas: Array<[RouteSource, Schema]> = [];
  for (const source of SOURCES) {
    const schema = options[source];
    if (schema === undefined) continue;
    assertSchema(schema, `route ${path}: ${source}`);
    schemas.push([source, schema]);
  }
  return schemas;
}

/**
 * 1. The body is read first: its 415, 413 and 400 come before any 422 (S-VAL-1).
 * 2. Every input is validated, so one 422 lists every problem.
 */
async function validInputs(
  schemas: Array<[RouteSource, Schema]>,
  request: Request,
  ctx: Context,
): Promise<Record<string, unknown>> {
  const body = schemas.some(([source]) => source === "body") ? await readJson(request) : undefined;
  const valid: Record<string, unknown> = {};
  const failures: ValidationError[] = [];
  for (const [source, schema] of schemas) {
    const input = source === "body" ? body : inputOf(source, request, ctx);
    const outcome = await check(schema, input, source);
    if (outcome instanceof ValidationError) failures.push(outcome);
    else valid[source] = outcome;
  }
  if (failures.length > 0) throw joinValidationErrors(failures);
  return valid;
}

function inputOf(source: Exclude<RouteSource, "body">, request: Request, ctx: Context): unknown {
  if (source === "params") return ctx.params;
  if (source === "query") return queryOf(request.url);
  return headersOf(request.headers);
}

/**
 * The query string as an object: a key given once is a string, a repeated key
 * an array of strings in order. Values stay strings: coercing them to numbers
 * is the schema's job (`z.coerce.number()`, valibot's `v.toNumber()`).
 */
export function queryOf(url: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of new URL(url).searchParams) {
    const seen = query[key];
    if (seen === undefined) query[key] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else query[key] = [seen, value];
  }
  return query;
}

/** Header names lower-cased (as Fetch gives them); repeated headers joined by ", " (as Fetch does). */
function headersOf(headers: Headers): Record<string, string> {
  const object: Record<string, string> = Object.create(null);
  for (const [name, value] of headers) object[name] = value;
  return object;
}
