// Reading a source map (ECMA-426, version 3) just far enough to turn one
// generated position into an original one. The debug page needs a handful of
// lookups per error, so the mappings are decoded up to the line asked for and
// no index is built.

export interface SourceMapJson {
  version?: number;
  sourceRoot?: string;
  sources?: unknown[];
  sourcesContent?: unknown[];
  mappings?: string;
}

/** A position in an original source: `source` as the map names it, 1-based line and column. */
export interface OriginalPosition {
  sourceIndex: number;
  source: string;
  line: number;
  column: number;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((char, index) => [char, index]));

/** The URL in the last `//# sourceMappingURL=` comment of a generated file, if any. */
export function findSourceMapUrl(code: string): string | undefined {
  const matches = [...code.matchAll(/\/\/[#@] sourceMappingURL=(\S+)\s*$/gm)];
  return matches.at(-1)?.[1];
}

/** A map from JSON text; undefined for anything that is not a version 3 map with mappings. */
export function parseSourceMap(text: string): SourceMapJson | undefined {
  let map: unknown;
  try {
    map = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof map !== "object" || map === null) return undefined;
  const { mappings, sources } = map as SourceMapJson;
  if (typeof mappings !== "string" || !Array.isArray(sources)) return undefined;
  return map as SourceMapJson;
}

/**
 * The original position of generated `line`/`column` (1-based, as stacks print
 * them): the last mapping on that line that starts at or before the column.
 * @example originalPosition(map, 3, 9) // { source: "../src/app.ts", line: 12, column: 5, sourceIndex: 0 }
 */
export function originalPosition(
  map: SourceMapJson,
  line: number,
  column: number,
): OriginalPosition | undefined {
  const lines = (map.mappings ?? "").split(";");
  // Source index, line and column are deltas across the whole file: carry them.
  const state = [0, 0, 0, 0];
  let found: number[] | undefined;
  for (let index = 0; index < line && index < lines.length; index++) {
    let generatedColumn = 0;
    for (const segment of (lines[index] ?? "").split(",")) {
      const fields = decodeVlq(segment);
      if (fields === undefined) return undefined;
      if (fields.length === 0) continue;
      generatedColumn += fields[0] ?? 0;
      if (fields.length < 4) continue;
      for (let field = 1; field < 4; field++)
        state[field] = (state[field] ?? 0) + (fields[field] ?? 0);
      if (index === line - 1 && generatedColumn <= column - 1) found = [...state];
    }
  }
  return found && toPosition(map, found);
}

function toPosition(map: SourceMapJson, [, sourceIndex = 0, line = 0, column = 0]: number[]) {
  const source = map.sources?.[sourceIndex];
  if (typeof source !== "string") return undefined;
  return { sourceIndex, source, line: line + 1, column: column + 1 };
}

// Base64 VLQ: 5 data bits per digit, bit 6 says "more digits follow", the
// lowest bit of the result is the sign.
function decodeVlq(segment: string): number[] | undefined {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT.get(char);
    if (digit === undefined) return undefined;
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return values;
}
