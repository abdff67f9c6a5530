/**
 * Response classes with a fixed content type, and the background tasks a
 * response may carry. They are plain `Response` subclasses: anything that
 * takes a `Response` takes them.
 */
import { TextBodyResponse } from "./deferred-body.ts";

/** Work to run after the response is handed over. */
export type BackgroundTask = () => unknown;

export interface EdgeletteResponseInit extends ResponseInit {
  /** One task or a list, run in order after the response; a failure stops the list. */
  background?: BackgroundTask | readonly BackgroundTask[];
}

// Most responses carry no tasks: a side table keeps the response objects plain.
const backgroundTasks = new WeakMap<Response, readonly BackgroundTask[]>();
// Entries set and not yet taken. While there are none, taking is no lookup: every
// response sent asks, and a miss in a `WeakMap` costs ~20 ns on Deno (~10 on Bun).
// An entry whose response was dropped unsent only keeps the lookups on.
let untaken = 0;

function keepBackground(response: Response, tasks: readonly BackgroundTask[]): void {
  backgroundTasks.set(response, tasks);
  untaken++;
}

/** Removes and returns the background tasks of `response`, so they run exactly once. */
export function takeBackground(response: Response): readonly BackgroundTask[] | undefined {
  if (untaken === 0) return undefined;
  const tasks = backgroundTasks.get(response);
  if (tasks !== undefined) {
    backgroundTasks.delete(response);
    untaken--;
  }
  return tasks;
}

/** `replacement`, which stands in for `response` (a HEAD served by GET), with its background tasks. */
export function withBackgroundOf(response: Response, replacement: Response): Response {
  const tasks = takeBackground(response);
  if (tasks !== undefined) keepBackground(replacement, tasks);
  return replacement;
}

/** Attaches `background` (one task or a list) to `response`; returns it. */
export function withBackground(
  response: Response,
  background: EdgeletteResponseInit["background"],
): Response {
  if (background !== undefined) {
    keepBackground(response, typeof background === "function" ? [background] : [...background]);
  }
  return response;
}

/** True when the body is known to be complete (no user stream that could fail midway). */
export function isBuffered(response: Response): boolean {
  return response instanceof BufferedResponse || response.body === null;
}

// A response copies the headers it is given (Fetch spec, "fill"), so the
// headers of a response without its own can be one shared value. Which form
// is cheaper was measured (a response built and read, shared vs a fresh
// object literal): for HTML, a `Headers` saves about 0.1 µs on Bun and 0.2 µs
// on Deno; for JSON it saves 0.15 µs on Bun but costs 0.2 µs on Deno, where a
// plain object is as cheap as the literal. Plain text sets nothing: the
// runtime types a string body `text/plain;charset=UTF-8` itself (S-RES-8).
const HTML_TYPE = "text/html; charset=utf-8";
const HTML = new Headers({ "content-type": HTML_TYPE });
const JSON_TYPE: HeadersInit = { "content-type": "application/json" };

// Fetch's null body statuses a response can have: no body, so no content type (S-RES-2).
const BODILESS = new Set([204, 205, 304]);

function isBodiless(init: ResponseInit | undefined): boolean {
  return init?.status !== undefined && BODILESS.has(init.status);
}

// The init of a response given none: read by the constructor, never kept or changed.
const HTML_INIT: ResponseInit = Object.freeze({ headers: HTML });
const JSON_INIT: ResponseInit = Object.freeze({ headers: JSON_TYPE });

function withContentType(
  init: EdgeletteResponseInit,
  contentType: string,
  shared: HeadersInit,
): ResponseInit {
  if (isBodiless(init))
    return { status: init.status, statusText: init.statusText, headers: init.headers };
  if (init.headers === undefined) {
    return { status: init.status, statusText: init.statusText, headers: shared };
  }
  const headers = new Headers(init.headers);
  if (!headers.has("content-type")) headers.set("content-type", contentType);
  return { status: init.status, statusText: init.statusText, headers };
}

/**
 * A 204, 205 or 304 carries no body: an empty one is dropped, so these
 * responses can carry background work too; any other is the caller's bug.
 */
function bodyFor(body: string | null, init: ResponseInit | undefined): string | null {
  if (!isBodiless(init)) return body;
  if (body === null || body === "") return null;
  throw new RangeError(`a ${init?.status} response has no body: pass "" (or null for JSON)`);
}

/**
 * The base of edgelette's responses: a body built from a complete value, so
 * the 500 layer need not watch it as a stream, and optional background tasks.
 */
class BufferedResponse extends TextBodyResponse {
  constructor(
    body: string | null,
    init: ResponseInit | undefined,
    background: EdgeletteResponseInit["background"],
  ) {
    super(bodyFor(body, init), init);
    if (background !== undefined) withBackground(this, background);
  }
}

/**
 * Plain text, typed by the runtime as every string body is (`text/plain;charset=UTF-8`,
 * spelled its own way): edgelette sets no header the runtime sets (S-RES-8).
 */
export class PlainTextResponse extends BufferedResponse {
  constructor(body: string, init?: EdgeletteResponseInit) {
    // `init` as given, even undefined: an empty object literal made Bun's
    // constructor about 0.1 µs slower (measured in a loop of 200,000).
    super(body, init, init?.background);
  }
}

/** `text/html; charset=utf-8`. */
export class HTMLResponse extends BufferedResponse {
  constructor(body: string, init?: EdgeletteResponseInit) {
    const fixed = init === undefined ? HTML_INIT : withContentType(init, HTML_TYPE, HTML);
    super(body, fixed, init?.background);
  }
}

/**
 * `application/json`; `undefined` is sent as `null`.
 * @example return new JSONResponse({ id: 1 }, { status: 201 })
 */
export class JSONResponse extends BufferedResponse {
  constructor(body: unknown, init?: EdgeletteResponseInit) {
    // No value on a 204/205/304 means no body (Starlette's `JSONResponse(None, 204)`).
    const text = body == null && isBodiless(init) ? null : JSON.stringify(body ?? null);
    const fixed =
      init === undefined ? JSON_INIT : withContentType(init, "application/json", JSON_TYPE);
    super(text, fixed, init?.background);
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * A redirect to `url`, relative or absolute, sent as given (307 by default).
 * @example return new RedirectResponse("/login")
 */
export class RedirectResponse extends BufferedResponse {
  constructor(url: string | URL, status = 307, init?: EdgeletteResponseInit) {
    if (!REDIRECT_STATUSES.has(status)) {
      throw new RangeError(
        `RedirectResponse status must be 301, 302, 303, 307 or 308, got ${status}`,
      );
    }
    const headers = new Headers(init?.headers);
    headers.set("location", String(url));
    super(null, { status, headers }, init?.background);
  }
}
