import type { StandardSchemaV1 } from "@standard-schema/spec";
import { HTTPException } from "../exceptions.ts";
import { withoutInput } from "./redact.ts";

/** Where a validated value came from. */
export type ValidationSource = "body" | "query" | "params" | "headers" | "message";

/** One problem, as a client sees it: where, and what is wrong. Never the value itself. */
export interface ValidationIssue {
  in: ValidationSource;
  /** A JSON Pointer (RFC 6901) into the validated value; `""` is the value itself. */
  path: string;
  message: string;
}

export interface ValidationErrorOptions {
  in: ValidationSource;
  /**
   * The value that was validated. Used only to remove quotations of it from
   * the messages (valibot and arktype quote what they received); never kept.
   */
  input?: unknown;
}

/**
 * A value failed its schema: a handled `HTTPException(422)` whose `detail`
 * lists `{ in, path, message }` (S-VAL-1). The default handler renders it as
 * `{"detail": [...]}`, `problemDetailsHandlers()` as an `errors` member.
 * @example throw new ValidationError(result.issues, { in: "body", input })
 */
export class ValidationError extends HTTPException {
  declare readonly detail: ValidationIssue[];

  constructor(issues: ReadonlyArray<StandardSchemaV1.Issue>, options: ValidationErrorOptions) {
    // The detail is set after `super`: HTTPException would JSON-encode it for
    // the message, which costs more than most validations (S-EXC-6).
    super(422, "");
    const detail = issuesFor(issues, options);
    (this as { detail: unknown }).detail = detail;
    this.message = messageOf(detail);
  }
}

/** `422: body /name: Too small…; query (root): …`: where and what, one issue after another. */
function messageOf(detail: readonly ValidationIssue[]): string {
  if (detail.length === 0) return "422: Unprocessable Content";
  let text = "422:";
  for (const issue of detail) text += ` ${issue.in} ${issue.path || "(root)"}: ${issue.message};`;
  return text.slice(0, -1);
}

function issuesFor(
  issues: ReadonlyArray<StandardSchemaV1.Issue>,
  { in: source, input }: ValidationErrorOptions,
): ValidationIssue[] {
  return Array.from(issues, (issue) => {
    const path = issue.path ?? [];
    const message = withoutInput(String(issue.message), valueAt(input, path));
    return { in: source, path: toPointer(path), message };
  });
}

type PathSegment = PropertyKey | StandardSchemaV1.PathSegment;

function keyOf(segment: PathSegment): PropertyKey {
  return typeof segment === "object" && segment !== null ? segment.key : segment;
}

function keyText(key: PropertyKey): string {
  return typeof key === "symbol" ? (key.description ?? "") : String(key);
}

/** RFC 6901: each key after a "/", with "~" written "~0" and "/" written "~1". */
export function toPointer(path: ReadonlyArray<PathSegment>): string {
  let pointer = "";
  for (const segment of path) {
    pointer += `/${keyText(keyOf(segment)).replaceAll("~", "~0").replaceAll("/", "~1")}`;
  }
  return pointer;
}

/**
 * The part of `input` an issue is about, or undefined where the path leads
 * nowhere. A getter that throws must not turn a 422 into a 500.
 */
function valueAt(input: unknown, path: ReadonlyArray<PathSegment>): unknown {
  let value = input;
  try {
    for (const segment of path) {
      if (typeof value !== "object" || value === null) return undefined;
      value = (value as Record<PropertyKey, unknown>)[keyOf(segment)];
    }
  } catch {
    return undefined;
  }
  return value;
}

/** One error listing the issues of several, so a client learns of every invalid input at once. */
export function joinValidationErrors(errors: readonly ValidationError[]): ValidationError {
  const [first, ...rest] = errors as [ValidationError, ...ValidationError[]];
  for (const other of rest) first.detail.push(...other.detail);
  if (rest.length > 0) first.message = messageOf(first.detail);
  return first;
}
