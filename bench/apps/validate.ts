/**
 * The S7 validation every app runs, so the apps differ only in how they read
 * the body and answer: the framework's part.
 */

export interface NewUser {
  name: string;
  age: number;
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
