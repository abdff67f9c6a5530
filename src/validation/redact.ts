/**
 * Validators' messages may quote the value they rejected: valibot writes
 * `Invalid type: Expected number but received "…"`, arktype
 * `must be "a" or "b" (was "…")`. A validation answer must never send any part
 * of the input back (a password in the wrong field, a token in a header), so
 * each message loses every quotation of the value its issue is about.
 *
 * What is recognised: the value's strings, numbers and booleans (looked for
 * down to a few levels inside objects and arrays), written as they are or
 * JSON-escaped; and any double-quoted part of the message that a string of
 * the value contains, whatever the case (what a `trim` or `toLowerCase` step
 * left of it). A message a schema builds from the input by other means
 * (decoding it, say) is the schema author's to keep clean.
 */

const HIDDEN = "…";
const MAX_DEPTH = 4;
const MAX_LEAVES = 64;
/** Shorter strings are removed only where they stand alone, so "a" does not eat "Invalid". */
const MIN_ANYWHERE = 3;
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;

/** `message` without any quotation of `value` it recognises. */
export function withoutInput(message: string, value: unknown): string {
  const leaves = leavesOf(value);
  if (leaves.length === 0) return message;
  const strings = leaves.filter((leaf): leaf is string => typeof leaf === "string");
  let text = message.replace(QUOTED, (quoted, inner: string) =>
    quotesInput(inner, strings) ? `"${HIDDEN}"` : quoted,
  );
  for (const leaf of leaves) text = removeLeaf(text, leaf);
  return text;
}

/** A quoted part is the input's when a string of the input contains it (or is it). */
function quotesInput(inner: string, strings: readonly string[]): boolean {
  const needle = inner.toLowerCase();
  return strings.some((each) => {
    const haystack = each.toLowerCase();
    const escaped = JSON.stringify(each).slice(1, -1).toLowerCase();
    if (needle === haystack || needle === escaped) return true;
    return needle.length >= MIN_ANYWHERE && (haystack.includes(needle) || escaped.includes(needle));
  });
}

function removeLeaf(text: string, leaf: string | number | boolean): string {
  const raw = String(leaf);
  const forms = typeof leaf === "string" ? [raw, JSON.stringify(leaf).slice(1, -1)] : [raw];
  for (const form of new Set(forms)) {
    if (form === "") continue;
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

/** The primitive values inside `value`, bounded in depth and number. */
function leavesOf(value: unknown): Array<string | number | boolean> {
  const leaves: Array<string | number | boolean> = [];
  try {
    collect(value, 0, leaves);
  } catch {
    // A value whose reads throw (a Proxy): what was read so far is still removed.
  }
  return leaves;
}

function collect(value: unknown, depth: number, leaves: Array<string | number | boolean>): void {
  if (leaves.length >= MAX_LEAVES) return;
  if (typeof value === "string" || typeof value === "boolean") leaves.push(value);
  else if (typeof value === "number" && Number.isFinite(value)) leaves.push(value);
  else if (typeof value === "bigint") leaves.push(String(value));
  else if (typeof value === "object" && value !== null && depth < MAX_DEPTH) {
    for (const each of Object.values(value)) collect(each, depth + 1, leaves);
  }
}
