// `Accept` header negotiation (RFC 9110 §12.5.1), kept plain on purpose.
//
// Decisions where the RFC leaves room:
// - A missing or blank header means `*/*`, and so does a header in which no
//   entry can be read: the client said nothing we understand.
// - Media ranges are case-insensitive; parameters other than `q` are ignored,
//   so `text/html;level=1` counts as `text/html`.
// - `q` is clamped to 0..1. A `q` that is not a number makes its entry q=0:
//   an entry we cannot read never wins.
// - A lone `*` (old Java clients send `*; q=.2`) is read as `*/*`; other
//   malformed ranges (`text`, `*/html`) are skipped.
// - Only the first 4 KiB of the header are read (browsers send ~100 bytes):
//   negotiation runs for every error answer, so its cost must not be the
//   client's to choose. q-values are scanned by hand, never by a regex that
//   could backtrack, and one longer than 8 characters is unreadable (q=0).

export interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

const ANY: MediaRange = { type: "*", subtype: "*", q: 1 };
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** How much of an `Accept` header is read; the rest is ignored. */
export const MAX_ACCEPT_LENGTH = 4096;
/** RFC 9110 q-values are at most 5 characters ("0.001"); some slack for "+1.000". */
const MAX_QUALITY_LENGTH = 8;

/** Parse an `Accept` header into media ranges, in header order. */
export function parseAccept(header: string | null | undefined): MediaRange[] {
  if (header == null || header.trim() === "") return [ANY];
  const ranges: MediaRange[] = [];
  for (const entry of header.slice(0, MAX_ACCEPT_LENGTH).split(",")) {
    const range = parseRange(entry);
    if (range) ranges.push(range);
  }
  return ranges.length > 0 ? ranges : [ANY];
}

function parseRange(entry: string): MediaRange | undefined {
  const [mediaRange = "", ...params] = entry.split(";");
  const typeAndSubtype = splitMediaType(mediaRange);
  if (!typeAndSubtype) return undefined;
  const [type, subtype] = typeAndSubtype;
  if (type === "*" && subtype !== "*") return undefined;
  return { type, subtype, q: readQuality(params) };
}

/** `" Text/HTML "` → `["text", "html"]`; undefined when it is not `type/subtype`. */
function splitMediaType(text: string): [string, string] | undefined {
  const mediaType = text.trim().toLowerCase();
  if (mediaType === "*") return ["*", "*"];
  const slash = mediaType.indexOf("/");
  if (slash === -1) return undefined;
  const type = mediaType.slice(0, slash).trim();
  const subtype = mediaType.slice(slash + 1).trim();
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  return [type, subtype];
}

function readQuality(params: string[]): number {
  for (const param of params) {
    const equals = param.indexOf("=");
    if (equals === -1 || param.slice(0, equals).trim().toLowerCase() !== "q") continue;
    const value = param.slice(equals + 1).trim();
    if (!isDecimal(value)) return 0;
    return Math.min(1, Math.max(0, Number(value)));
  }
  return 1;
}

/** A short signed decimal (`1`, `0.5`, `.5`, `-1`), checked in one pass. */
function isDecimal(text: string): boolean {
  if (text.length === 0 || text.length > MAX_QUALITY_LENGTH) return false;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char >= "0" && char <= "9") digits++;
    else if (char === ".") dots++;
    else if (i > 0 || (char !== "+" && char !== "-")) return false;
  }
  return digits > 0 && dots <= 1;
}

/**
 * The q-value the client gives a concrete media type, taken from the most
 * specific range that matches it: `text/html`, then `text/*`, then the full
 * wildcard. Among equally specific duplicates the highest q counts. No match → 0.
 * @example qualityOf(parseAccept("text/*;q=0.5, text/html"), "text/html") // 1
 */
export function qualityOf(accepts: readonly MediaRange[], mediaType: string): number {
  const typeAndSubtype = splitMediaType(mediaType.split(";")[0] ?? "");
  if (!typeAndSubtype) return 0;
  const [type, subtype] = typeAndSubtype;
  let bestSpecificity = 0;
  let q = 0;
  for (const range of accepts) {
    const specificity = matchSpecificity(range, type, subtype);
    if (specificity > bestSpecificity) {
      bestSpecificity = specificity;
      q = range.q;
    } else if (specificity > 0 && specificity === bestSpecificity) {
      q = Math.max(q, range.q);
    }
  }
  return q;
}

// 3 for an exact match, 2 for `type/*`, 1 for `*/*`, 0 when the range does not match.
function matchSpecificity(range: MediaRange, type: string, subtype: string): number {
  if (range.type === "*") return 1;
  if (range.type !== type) return 0;
  if (range.subtype === "*") return 2;
  return range.subtype === subtype ? 3 : 0;
}

/**
 * True only when `text/html` is acceptable and strictly preferred over
 * `text/plain` (S-DBG-2). Ties, such as curl's bare wildcard, mean plain text.
 */
export function prefersHtml(header: string | null | undefined): boolean {
  const accepts = parseAccept(header);
  const html = qualityOf(accepts, "text/html");
  return html > 0 && html > qualityOf(accepts, "text/plain");
}

/**
 * The offer with the highest q-value, the earlier offer on a tie;
 * undefined when the client accepts none of them.
 * @example negotiate("application/json", ["application/problem+json", "application/json"]) // "application/json"
 */
export function negotiate(
  header: string | null | undefined,
  offers: readonly string[],
): string | undefined {
  const accepts = parseAccept(header);
  let best: string | undefined;
  let bestQ = 0;
  for (const offer of offers) {
    const q = qualityOf(accepts, offer);
    if (q > bestQ) {
      best = offer;
      bestQ = q;
    }
  }
  return best;
}
