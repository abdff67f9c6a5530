/**
 * The part of docs/BENCHMARKS.md that bench/validation.mjs writes: between
 * two markers, so `npm run bench`, which rewrites the rest of the file, keeps it.
 */
import { existsSync, readFileSync } from "node:fs";

const START = "<!-- validation bench: written by bench/validation.mjs -->";
const END = "<!-- end of validation bench -->";

/** `body` between the markers. */
export function validationSection(body) {
  return `${START}\n${body}\n${END}`;
}

/** The section as it stands in the file at `path`, or undefined. */
export function currentSection(path) {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, "utf8");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  return start === -1 || end === -1 ? undefined : text.slice(start, end + END.length);
}

/** `text` with `section` in place of the current one, or added at the end. */
export function withSection(text, section) {
  if (section === undefined) return text;
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end === -1) return `${text.trimEnd()}\n\n${section}\n`;
  return `${text.slice(0, start)}${section}${text.slice(end + END.length)}`;
}
