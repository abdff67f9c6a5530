// RFC 9457 problem details as an opt-in handler set (S-RES-7). The body is
// built once as a problem object, then rendered in the format the client's
// `Accept` prefers: problem+json, plain JSON, HTML or plain text.
//
// Decisions where the RFC leaves room:
// - `type` is `about:blank` and `title` the status phrase unless a structured
//   detail names its own; `status` is always the response's status.
// - `instance` is the request path (no query string: it may hold secrets).
// - 5xx problems say only their status: neither an unhandled error nor a
//   5xx `HTTPException` shows its detail unless `exposeServerErrors` is set.
// - `requestId` (an extension member) is `ctx.requestId` when a middleware
//   set one, so a user can quote it; a detail's own `requestId` wins.
// - No acceptable format (`Accept: image/png`) still gets problem+json: an
//   error is more useful sent than refused with a 406.

import { HTTPException } from "./exceptions.ts";
import type { HandlerKey } from "./handler-table.ts";
import { escapeHtml } from "./html.ts";
import { httpExceptionResponse } from "./middleware/default-handlers.ts";
import { type MediaRange, parseAccept, qualityOf } from "./negotiate.ts";
import { phrase } from "./status.ts";
import type { Context, ExceptionHandler } from "./types.ts";

/** The members of a problem other than `status`: the standard text members and extensions. */
export interface ProblemMembers {
  type?: string;
  title?: string;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

/** An RFC 9457 problem: `status`, the standard members, then any extension members. */
export interface ProblemDetails extends ProblemMembers {
  status: number;
}

export interface ProblemDetailsOptions {
  /** The `instance` member: the request path by default; `false` leaves it out. */
  instance?: false | ((request: Request) => string | undefined);
  /** Show the detail and extension members of 5xx `HTTPException`s. Default false. */
  exposeServerErrors?: boolean;
}

/** The formats offered, in the order that breaks remaining ties: HTML only when preferred. */
const FORMATS = ["application/problem+json", "application/json", "text/plain", "text/html"];
const STANDARD_TEXT_MEMBERS = new Set(["type", "title", "detail", "instance"]);

/**
 * Handlers that answer `HTTPException`s (4xx and 5xx) and unhandled errors with
 * problem details. Later entries replace earlier ones, so a custom 404 can follow.
 * @example new App({ exceptionHandlers: [...problemDetailsHandlers(), [404, notFound]] })
 */
export function problemDetailsHandlers(
  options: ProblemDetailsOptions = {},
): Array<[HandlerKey, ExceptionHandler]> {
  const onHttpException: ExceptionHandler = (request, exc: HTTPException, ctx) => {
    if (exc.statusCode < 400) return httpExceptionResponse(request, exc);
    const problem = problemFromException(exc, options.exposeServerErrors ?? false);
    return problemResponse(request, completed(problem, request, ctx, options), exc.headers);
  };
  const onUnhandled: ExceptionHandler = (request, _error, ctx) =>
    problemResponse(request, completed(statusProblem(500), request, ctx, options));
  return [
    [HTTPException, onHttpException],
    [Error, onUnhandled],
  ];
}

/**
 * Renders `problem` in the format `request` prefers, with `Vary: Accept`.
 * Headers given here win, as an exception's headers do (S-RES-1).
 * @example [OutOfCredit, (req, exc) => problemResponse(req, { status: 403, balance: exc.balance })]
 */
export function problemResponse(
  request: Request,
  problem: ProblemDetails,
  headers?: HeadersInit,
): Response {
  const format = problemFormatFor(request.headers.get("accept"));
  const complete = { ...statusProblem(problem.status), ...problem };
  const merged = new Headers({ "content-type": contentTypeOf(format) });
  new Headers(headers).forEach((value, name) => {
    merged.set(name, value);
  });
  addVary(merged, "Accept");
  return new Response(render(format, complete), { status: problem.status, headers: merged });
}

/**
 * The format to answer in: the highest q-value; on a tie, the format the client
 * named more specifically (a type named exactly beats one reached through a
 * wildcard, so axios's "application/json, text/plain" plus a full wildcard
 * gets JSON); then the order of FORMATS. Nothing acceptable: problem+json.
 */
export function problemFormatFor(accept: string | null | undefined): string {
  const ranges = parseAccept(accept);
  let best = FORMATS[0] as string;
  let bestRank = [0, 0];
  for (const format of FORMATS) {
    const rank = [qualityOf(ranges, format), specificityOf(ranges, format)];
    if (rank[0] === 0) continue; // refused, however specifically
    if (rank[0] > bestRank[0] || (rank[0] === bestRank[0] && rank[1] > bestRank[1])) {
      best = format;
      bestRank = rank;
    }
  }
  return best;
}

// 3 when a range names the type exactly, 2 for `type/*`, 1 for `*/*`, 0 for no match.
function specificityOf(ranges: readonly MediaRange[], mediaType: string): number {
  const [type, subtype] = mediaType.split("/");
  let best = 0;
  for (const range of ranges) {
    if (range.type === type && range.subtype === subtype) best = Math.max(best, 3);
    else if (range.type === type && range.subtype === "*") best = Math.max(best, 2);
    else if (range.type === "*") best = Math.max(best, 1);
  }
  return best;
}

function statusProblem(status: number): ProblemDetails {
  return { type: "about:blank", title: phrase(status) || `HTTP ${status}`, status };
}

/** The members the handlers add: `instance`, and `requestId` when the context has one. */
function completed(
  problem: ProblemDetails,
  request: Request,
  ctx: Context | undefined,
  options: ProblemDetailsOptions,
): ProblemDetails {
  const located = withInstance(problem, request, options);
  const requestId = ctx?.requestId;
  return requestId === undefined || "requestId" in located ? located : { ...located, requestId };
}

function withInstance(
  problem: ProblemDetails,
  request: Request,
  options: ProblemDetailsOptions,
): ProblemDetails {
  if (problem.instance !== undefined || options.instance === false) return problem;
  const instance = options.instance ? options.instance(request) : new URL(request.url).pathname;
  return instance === undefined ? problem : { ...problem, instance };
}

/** The exception's detail as problem members; a 5xx keeps only its status unless exposed. */
function problemFromException(exc: HTTPException, exposeServerErrors: boolean): ProblemDetails {
  const base = statusProblem(exc.statusCode);
  if (exc.statusCode >= 500 && !exposeServerErrors) return base;
  const { type, title, detail, instance, ...extensions } = membersOf(exc.detail);
  const problem: ProblemDetails = { ...base, status: exc.statusCode };
  if (type !== undefined) problem.type = type;
  if (title !== undefined) problem.title = title;
  // The default detail is the phrase, which says nothing the title does not.
  if (detail !== undefined && detail !== problem.title) problem.detail = detail;
  if (instance !== undefined) problem.instance = instance;
  return { ...problem, ...extensions };
}

/**
 * A string is the `detail`; a list (validation errors) is the `errors`
 * extension; a plain object gives its members, except `status` and standard
 * members that are not strings (RFC 9457 §3.1 tells clients to ignore those).
 */
function membersOf(detail: unknown): ProblemMembers {
  if (typeof detail === "string") return { detail };
  if (Array.isArray(detail)) return { errors: detail };
  if (!isPlainObject(detail)) return { detail: toText(detail) };
  const kept = Object.entries(detail).filter(
    ([name, value]) =>
      name !== "status" && (!STANDARD_TEXT_MEMBERS.has(name) || typeof value === "string"),
  );
  return Object.fromEntries(kept); // defines own properties, so a "__proto__" key stays data
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function toText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function contentTypeOf(format: string): string {
  return format.startsWith("text/") ? `${format}; charset=utf-8` : format;
}

function addVary(headers: Headers, name: string): void {
  const vary = headers.get("vary");
  const listed = vary?.split(",").map((each) => each.trim().toLowerCase()) ?? [];
  if (!listed.includes(name.toLowerCase()) && !listed.includes("*")) headers.append("vary", name);
}

function render(format: string, problem: ProblemDetails): string {
  if (format === "text/html") return renderHtml(problem);
  if (format === "text/plain") return renderText(problem);
  return JSON.stringify(problem);
}

/** `404 Not Found`, the detail, then one `name: JSON` line per extension member. */
function renderText(problem: ProblemDetails): string {
  const { type: _type, title, status, detail, instance: _instance, ...extensions } = problem;
  const lines = [`${status} ${title}`];
  if (detail !== undefined) lines.push(detail);
  for (const [name, value] of Object.entries(extensions)) lines.push(`${name}: ${toText(value)}`);
  return `${lines.join("\n")}\n`;
}

/** A small self-contained page; every value is escaped. */
function renderHtml(problem: ProblemDetails): string {
  const { type: _type, title, status, detail, instance: _instance, ...extensions } = problem;
  const heading = escapeHtml(`${status} ${title}`);
  const paragraph = detail === undefined ? "" : `<p>${escapeHtml(detail)}</p>\n`;
  const members = Object.keys(extensions).length
    ? `<pre>${escapeHtml(JSON.stringify(extensions, null, 2))}</pre>\n`
    : "";
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${heading}</title></head>
<body>
<h1>${heading}</h1>
${paragraph}${members}</body>
</html>
`;
}
