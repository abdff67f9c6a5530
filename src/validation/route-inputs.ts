import { readJson } from "../request-body.ts";
import type { Context, Endpoint } from "../types.ts";
import { joinValidationErrors, ValidationError } from "./error.ts";
import { assertSchema, check, type OutputOf, type Schema } from "./validate.ts";

/**
 * Validation declared on a `Route`: schemas for the JSON body, the query, the
 * path parameters and the headers; the endpoint finds the outputs on `ctx.valid`.
 */

/** The schemas a route may name; any Standard Schema v1 validator. */
export interface RouteSchemas {
  /** The path parameters, as the path converted them (`{id:int}` gives a number). */
  params?: Schema;
  /** The query string: a key given once is a string, a repeated key an array of strings. */
  query?: Schema;
  /** The request headers, by lower-cased name. */
  headers?: Schema;
  /** The JSON body, read by `readJson` first: 415, 413 and 400 come before any 422. */
  body?: Schema;
}

type RouteSource = keyof RouteSchemas;

/** The inputs a route can validate, in the order they are checked. */
const SOURCES: readonly RouteSource[] = ["params", "query", "headers", "body"];

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
 * (no work added), else wrapped so the inputs are validated first:
 * 1. The body is read first: its 415, 413 and 400 come before any 422 (S-VAL-1).
 * 2. Every input is validated, so one 422 lists every problem.
 */
export function withValidation(path: string, endpoint: Endpoint, options: RouteSchemas): Endpoint {
  const schemas = schemasOf(path, options);
  if (schemas.length === 0) return endpoint;
  const readsBody = options.body !== undefined;
  return async (request, ctx) => {
    const body = readsBody ? await readJson(request) : undefined;
    const valid = validInputs(schemas, request, ctx, body);
    (ctx as Context & { valid: unknown }).valid = valid instanceof Promise ? await valid : valid;
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

type Outcome = unknown; // an output, or the ValidationError for that input

/** The outputs by input name; a promise only when some validator is async (they run side by side). */
function validInputs(
  schemas: ReadonlyArray<[RouteSource, Schema]>,
  request: Request,
  ctx: Context,
  body: unknown,
): Record<string, unknown> | Promise<Record<string, unknown>> {
  const outcomes: Outcome[] = [];
  try {
    for (const [source, schema] of schemas) {
      outcomes.push(
        check(schema, source === "body" ? body : inputOf(source, request, ctx), source),
      );
    }
  } catch (error) {
    // A validator that throws is a bug (a 500); one still running must not reject unobserved.
    for (const each of outcomes) if (each instanceof Promise) each.catch(() => {});
    throw error;
  }
  if (outcomes.some((each) => each instanceof Promise)) {
    return Promise.all(outcomes).then((settled) => collect(schemas, settled));
  }
  return collect(schemas, outcomes);
}

function collect(
  schemas: ReadonlyArray<[RouteSource, Schema]>,
  outcomes: readonly Outcome[],
): Record<string, unknown> {
  const valid: Record<string, unknown> = {};
  const failures: ValidationError[] = [];
  outcomes.forEach((outcome, index) => {
    if (outcome instanceof ValidationError) failures.push(outcome);
    else valid[(schemas[index] as [RouteSource, Schema])[0]] = outcome;
  });
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
function queryOf(url: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null);
  const start = url.indexOf("?");
  if (start === -1) return query;
  const end = url.indexOf("#", start);
  // Not `new URL(url)`: Bun gives a path-only URL to a request without a Host header.
  const search = url.slice(start + 1, end === -1 ? undefined : end);
  for (const [key, value] of new URLSearchParams(search)) {
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
