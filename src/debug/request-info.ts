// The request beside the traceback: what a developer needs to reproduce the
// error, with credentials redacted. A debug page gets screenshotted and
// pasted into issues; a session cookie must not travel with it.

export interface RequestView {
  method: string;
  /** The URL with secret-looking query values redacted. */
  url: string;
  /** The matched route pattern (`ctx.route`), when the router set one. */
  route?: string;
  params: [string, string][];
  query: [string, string][];
  headers: [string, string][];
  requestId?: string;
}

export const REDACTED = "[redacted]";

/** Names whose values are credentials: headers, query parameters and route params alike. */
const SECRET_NAME =
  /^(authorization|proxy-authorization|cookie|set-cookie)$|token|secret|key|passw(or)?d|pwd|session|credential|signature|auth|csrf|xsrf/i;

/** Whether a header, query or param name looks like it carries a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * The request as the page shows it. `ctx` is read defensively: any object,
 * with `route`, `params` and `requestId` when the core or a middleware set them.
 */
export function describeRequest(request: Request, ctx: unknown): RequestView {
  const url = safeUrl(request.url);
  const query = url ? [...url.searchParams].map(redactPair) : [];
  return {
    method: request.method,
    url: url ? redactUrl(url) : request.url,
    route: nonEmptyString(read(ctx, "route")),
    params: paramsOf(read(ctx, "params")),
    query,
    headers: [...request.headers].map(redactPair),
    requestId: optionalText(read(ctx, "requestId")),
  };
}

function redactPair([name, value]: [string, string]): [string, string] {
  return [name, isSecretName(name) ? REDACTED : value];
}

function redactUrl(url: URL): string {
  const copy = new URL(url.href); // a Request's URL never holds credentials: fetch refuses them
  for (const name of new Set(copy.searchParams.keys())) {
    if (isSecretName(name)) copy.searchParams.set(name, REDACTED);
  }
  // URLSearchParams would print the marker percent-encoded.
  return copy.href.replaceAll(encodeURIComponent(REDACTED), REDACTED);
}

function paramsOf(params: unknown): [string, string][] {
  if (typeof params !== "object" || params === null) return [];
  try {
    return Object.entries(params).map(([name, value]) => redactPair([name, String(value)]));
  } catch {
    return []; // a Proxy or a throwing getter
  }
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function optionalText(value: unknown): string | undefined {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return undefined;
}

function read(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  try {
    return Reflect.get(value, key);
  } catch {
    return undefined;
  }
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined; // Bun without a Host header gives a path-only URL
  }
}
