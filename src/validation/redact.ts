/**
 * Validators' messages may quote the value they rejected: valibot writes
 * `Invalid type: Expected number but received "…"`, arktype
 * `must be "a" or "b" (was "…")`. A validation answer must never send any part
 * of the input back (a password in the wrong field, a token in a header), so
 * each message loses every quotation of the value its issue is about.
 *
 * What is recognised: the value's strings, numbers and booleans (looked for
 * down to a few levels inside objects and arrays), written as they are or
 * JSON-escaped; any double-quoted part of the message that a string of the
 * value contains, whatever the case (what a `trim` or `toLowerCase` step left
 * of it); and a double-quoted key of the value (a key the schema refused).
 * A message a schema builds from the input by other means (decoding it, say)
 * is the schema author's to keep clean.
 */

const HIDDEN = "…";
const MAX_DEPTH = 4;
const MAX_PARTS = 128;
/** Shorter strings are removed only where they stand alone, so "a" does not eat "Invalid". */
const MIN_ANYWHERE = 3;
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;

/** `message` without any quotation of `value` it recognises. */
export function withoutInput(message: string, value: unknown): string {
  const { leaves, keys } = partsOf(value);
  if (leaves.length === 0 && keys.length === 0) return message;
  const strings = leaves.filter((leaf): leaf is string => typeof leaf === "string");
  let text = message;
  if (text.includes('"')) {
    text = text.replace(QUOTED, (quoted, inner: string) =>
      quotesInput(inner, strings, keys) ? `"${HIDDEN}"` : quoted,
    );
  }
  for (const leaf of leaves) text = removeLeaf(text, leaf);
  return text;
}

/**
 * A quoted part is the input's when a string of the input contains it (or is
 * it), or when it is one of the input's keys (zod: `Unrecognized key: "…"`).
 */
function quotesInput(inner: string, strings: readonly string[], keys: readonly string[]): boolean {
  const needle = inner.toLowerCase();
  if (keys.some((key) => key.toLowerCase() === needle)) return true;
  return strings.some((each) => {
    const haystack = each.toLowerCase();
    const escaped = JSON.stringify(each).slice(1, -1).toLowerCase();
    if (needle === haystack || needle === escaped) return true;
    return needle.length >= MIN_ANYWHERE && (haystack.includes(needle) || escaped.includes(needle));
  });
}

function removeLeaf(text: string, leaf: Leaf): string {
  const raw = String(leaf);
  const forms = typeof leaf === "string" ? [raw, JSON.stringify(leaf).slice(1, -1)] : [raw];
  for (const form of new Set(forms)) {
    // Most messages quote nothing: a plain search first, a pattern only where it is found.
    if (form === "" || !text.includes(form)) continue;
    text =
      typeof leaf === "string" && form.length >= MIN_ANYWHERE
        ? text.replaceAll(form, HIDDEN)
        : text.replace(standingAlone(form), HIDDEN);
  }
  return text;
}

/** `form` where no letter, digit or "." touches it: "5" in "received 5", not in "15" or "0.5". */
function standingAlone(form: string): RegExp {
  const escaped = form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![\\p{L}\\p{N}_.])${escaped}(?![\\p{L}\\p{N}_]|\\.\\p{N})`, "gu");
}

type Leaf = string | number | boolean;

interface Parts {
  /** The primitive values inside the value. */
  leaves: Leaf[];
  /** The keys of the objects inside it (a client can send keys a schema refuses). */
  keys: string[];
}

/** The parts of `value` a message could quote, bounded in depth and number. */
function partsOf(value: unknown): Parts {
  const parts: Parts = { leaves: [], keys: [] };
  try {
    collect(value, 0, parts);
  } catch {
    // A value whose reads throw (a Proxy): what was read so far is still removed.
  }
  return parts;
}

function collect(value: unknown, depth: number, parts: Parts): void {
  const { leaves, keys } = parts;
  if (leaves.length + keys.length >= MAX_PARTS) return;
  if (typeof value === "string") {
    if (value !== "") leaves.push(value); // nothing to hide in an empty string
  } else if (typeof value === "boolean") leaves.push(value);
  else if (typeof value === "number" && Number.isFinite(value)) leaves.push(value);
  else if (typeof value === "bigint") leaves.push(String(value));
  else if (typeof value === "object" && value !== null && depth < MAX_DEPTH) {
    if (!Array.isArray(value)) keys.push(...Object.keys(value));
    for (const each of Object.values(value)) collect(each, depth + 1, parts);
  }
}
