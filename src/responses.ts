/**
 * Response classes with a fixed content type, and the background tasks a
 * response may carry. They are plain `Response` subclasses: anything that
 * takes a `Response` takes them.
 */

/** Work to run after the response is handed over. */
export type BackgroundTask = () => unknown;

export interface EdgeletteResponseInit extends ResponseInit {
  /** One task or a list, run in order after the response; a failure stops the list. */
  background?: BackgroundTask | readonly BackgroundTask[];
}

const BACKGROUND = Symbol.for("edgelette.background");
// Bodies built here from a string are complete: the 500 layer need not watch them as streams.
const BUFFERED = Symbol.for("edgelette.buffered");

type Tagged = Response & { [BACKGROUND]?: readonly BackgroundTask[]; [BUFFERED]?: true };

function tag(response: Response, init: EdgeletteResponseInit | undefined): void {
  const tagged = response as Tagged;
  tagged[BUFFERED] = true;
  const background = init?.background;
  if (background !== undefined) {
    tagged[BACKGROUND] = typeof background === "function" ? [background] : [...background];
  }
}

/** Removes and returns the background tasks of `response`, so they run exactly once. */
export function takeBackground(response: Response): readonly BackgroundTask[] | undefined {
  const tagged = response as Tagged;
  const tasks = tagged[BACKGROUND];
  if (tasks !== undefined) tagged[BACKGROUND] = undefined;
  return tasks;
}

/** True when the body is known to be complete (no user stream that could fail midway). */
export function isBuffered(response: Response): boolean {
  return (response as Tagged)[BUFFERED] === true || response.body === null;
}

function withContentType(
  init: EdgeletteResponseInit | undefined,
  contentType: string,
): ResponseInit {
  const headers = new Headers(init?.headers);
  if (!headers.has("content-type")) headers.set("content-type", contentType);
  return { status: init?.status, statusText: init?.statusText, headers };
}

/** `text/plain; charset=utf-8`. */
export class PlainTextResponse extends Response {
  constructor(body: string, init?: EdgeletteResponseInit) {
    super(body, withContentType(init, "text/plain; charset=utf-8"));
    tag(this, init);
  }
}

/** `text/html; charset=utf-8`. */
export class HTMLResponse extends Response {
  constructor(body: string, init?: EdgeletteResponseInit) {
    super(body, withContentType(init, "text/html; charset=utf-8"));
    tag(this, init);
  }
}

/**
 * `application/json`; `undefined` is sent as `null`.
 * @example return new JSONResponse({ id: 1 }, { status: 201 })
 */
export class JSONResponse extends Response {
  constructor(body: unknown, init?: EdgeletteResponseInit) {
    super(JSON.stringify(body ?? null), withContentType(init, "application/json"));
    tag(this, init);
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * A redirect to `url`, relative or absolute, sent as given (307 by default).
 * @example return new RedirectResponse("/login")
 */
export class RedirectResponse extends Response {
  constructor(url: string | URL, status = 307, init?: EdgeletteResponseInit) {
    if (!REDIRECT_STATUSES.has(status)) {
      throw new RangeError(
        `RedirectResponse status must be 301, 302, 303, 307 or 308, got ${status}`,
      );
    }
    const headers = new Headers(init?.headers);
    headers.set("location", String(url));
    super(null, { status, headers });
    tag(this, init);
  }
}
