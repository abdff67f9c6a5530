/**
 * The path a request is routed on, the same on every runtime. Node, Bun and
 * workerd hand over a URL already normalised by WHATWG URL rules; Deno keeps
 * `..`, `%2e%2e` and backslashes as the client sent them, and Bun without a
 * usable `Host` hands over the path alone. Both are routed as the others are.
 */

// What WHATWG URL parsing would rewrite: a backslash, a dot segment, an encoded dot.
const NEEDS_NORMALISING = /\\|\/\.|%2e/i;
// A `..` segment that only appears once `%2F` is decoded: never handed to a route.
const DOT_DOT_SEGMENT = /(?:^|\/)\.\.(?:\/|$)/;

/** The raw path of a request URL, without parsing the whole URL. */
export function rawPathOf(url: string): string {
  const start = url.startsWith("/") ? 0 : url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  const hash = url.indexOf("#", start);
  const end = Math.min(query === -1 ? url.length : query, hash === -1 ? url.length : hash);
  return url.slice(start, end);
}

function normalise(raw: string): string {
  if (!NEEDS_NORMALISING.test(raw)) return raw;
  // A fixed origin in front: a path starting with `//` must stay a path.
  return new URL(`http://path${raw}`).pathname;
}

/** Why a path cannot be routed: the detail of the 400 that answers it (S-ROU-5). */
export interface UnroutablePath {
  readonly unroutable: string;
}

const MALFORMED: UnroutablePath = {
  unroutable: "Malformed percent-encoding in the request path",
};
const CLIMBING: UnroutablePath = { unroutable: "A path segment may not decode to '..'" };

/**
 * The decoded, normalised path of `url`, or why it cannot be routed:
 * malformed percent-encoding, or a `..` segment spelled `..%2F` that would
 * let a `{name:path}` parameter climb out of its directory.
 */
export function requestPath(url: string): string | UnroutablePath {
  const raw = normalise(rawPathOf(url));
  if (!raw.includes("%")) return raw;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return MALFORMED;
  }
  return DOT_DOT_SEGMENT.test(decoded) ? CLIMBING : decoded;
}
