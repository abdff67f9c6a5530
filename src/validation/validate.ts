import type { StandardSchemaV1 } from "@standard-schema/spec";
import { ValidationError, type ValidationSource } from "./error.ts";

/** Any Standard Schema v1 validator: zod 4, valibot 1, arktype 2, and others. */
export type Schema = StandardSchemaV1;

/** What a schema gives back for a valid value, transforms applied. */
export type OutputOf<S extends Schema> = StandardSchemaV1.InferOutput<S>;

/** Whether `value` implements Standard Schema v1 (arktype's types are functions, so both kinds count). */
function isStandardSchema(value: unknown): value is Schema {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  const props = (value as Partial<Schema>)["~standard"];
  return props?.version === 1 && typeof props.validate === "function";
}

/** A schema that is not one is the caller's bug: thrown at the line that passed it. */
export function assertSchema(value: unknown, what: string): asserts value is Schema {
  if (!isStandardSchema(value)) {
    throw new TypeError(
      `${what} must be a Standard Schema v1 validator (a zod 4, valibot 1 or arktype 2 schema, ` +
        `or anything with a "~standard" property of version 1), got ${describe(value)}`,
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object" || typeof value === "function") return "an object without it";
  return typeof value;
}

/**
 * Validates `value` with any Standard Schema: the output (transforms applied),
 * or a `ValidationError` (422) naming `source` as where the value came from.
 * Sync and async validators alike; an error a validator throws is passed on
 * as it is (a bug in the schema: a 500, reported).
 * @example const filter = await validate(Filter, Object.fromEntries(url.searchParams), "query");
 */
export async function validate<S extends Schema>(
  schema: S,
  value: unknown,
  source: ValidationSource = "body",
): Promise<OutputOf<S>> {
  assertSchema(schema, "validate(schema)");
  const result = await check(schema, value, source);
  if (result instanceof ValidationError) throw result;
  return result;
}

/**
 * The output, or the `ValidationError` (returned, not thrown, so a caller can
 * gather several); a promise only when the validator is async.
 */
export function check<S extends Schema>(
  schema: S,
  value: unknown,
  source: ValidationSource,
): OutputOf<S> | ValidationError | Promise<OutputOf<S> | ValidationError> {
  const result = schema["~standard"].validate(value);
  if (isPromise(result)) {
    // Resolved into a native promise: callers tell sync outcomes from async ones by that.
    return Promise.resolve(result).then((each) => outcomeOf(each, value, source));
  }
  return outcomeOf(result, value, source);
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Partial<Promise<T>> | undefined)?.then === "function";
}

function outcomeOf<Output>(
  result: StandardSchemaV1.Result<Output>,
  input: unknown,
  source: ValidationSource,
): Output | ValidationError {
  if (result.issues) return new ValidationError(result.issues, { in: source, input });
  return result.value;
}
