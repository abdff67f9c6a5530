/**
 * The S7 rules every app applies, so the apps differ only in how they read
 * the body and answer: the framework's part. The body rules are edgelette's
 * `readJson` (S-BAD-1): another content type → 415, over 1 MiB → 413,
 * malformed JSON → 400; every app enforces them with its framework's own means.
 */

export interface NewUser {
  name: string;
  age: number;
}

/** The largest body S7 accepts, in bytes: `readJson`'s default. */
export const BODY_LIMIT = 1024 * 1024;

/** The details of the body rules' answers, the same in every app. */
export const UNSUPPORTED_TYPE = "Expected an application/json body";
export const TOO_LARGE = "Content Too Large";
export const MALFORMED = "Malformed JSON body";

/** `application/json` or a `+json` type, parameters and case aside: what `readJson` accepts. */
export function isJsonType(contentType: string | null | undefined): boolean {
  if (contentType == null) return false;
  if (contentType === "application/json") return true;
  const essence = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return essence === "application/json" || essence.endsWith("+json");
}

/** The problem with `value` as a new user, or undefined when it is one. */
export function userProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "body must be a JSON object";
  const { name, age } = value as Record<string, unknown>;
  if (typeof name !== "string" || name === "") return "name must be a non-empty string";
  if (typeof age !== "number" || !Number.isInteger(age) || age < 0 || age > 150) {
    return "age must be an integer from 0 to 150";
  }
  return undefined;
}

/** What the apps answer with for a valid user. */
export function createdUser(value: unknown): { id: number } & NewUser {
  const { name, age } = value as NewUser;
  return { id: 1, name, age };
}

/** Digits only: the `{id:int}` / `{[0-9]+}` constraint, for routers without one. */
export const DIGITS = /^[0-9]+$/;
