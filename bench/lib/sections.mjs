/**
 * Sections of docs/BENCHMARKS.md that other scripts write (bench/otel.mjs,
 * bench/validation.mjs):
 * each lies between its own markers, and `npm run bench` carries it over when
 * it rewrites the file, so neither run erases the other's numbers.
 */

export const TRACING_SECTION = "tracing";
export const VALIDATION_SECTION = "validation";

const markers = (name) => [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];

/** `text` with section `name` replaced by `content`, or with it appended when absent. */
export function replaceSection(text, name, content) {
  const [start, end] = markers(name);
  const block = `${start}\n${content.trim()}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) return `${text.trimEnd()}\n\n${block}\n`;
  return text.slice(0, from) + block + text.slice(to + end.length);
}

/** The marked sections of `previous`, appended to a freshly rendered `report`. */
export function keepSections(report, previous) {
  let kept = report;
  for (const name of [TRACING_SECTION, VALIDATION_SECTION]) {
    const [start, end] = markers(name);
    const from = previous.indexOf(start);
    const to = previous.indexOf(end);
    if (from === -1 || to === -1) continue;
    kept = replaceSection(kept, name, previous.slice(from + start.length, to));
  }
  return kept;
}
