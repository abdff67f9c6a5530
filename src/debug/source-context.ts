// Each frame as the page shows it: whose code it is, its file relative to
// the project root, and the lines around the failing one. A compiled file is
// followed through its source map to the original (TypeScript) source.

import {
  classifyFile,
  classifyFrame,
  directoryOf,
  displayPath,
  type FrameKind,
  isBundle,
  resolvePath,
  toPath,
} from "./frames.ts";
import {
  findSourceMapUrl,
  originalPosition,
  parseSourceMap,
  type SourceMapJson,
} from "./source-map.ts";
import type { SourceReader } from "./source-reader.ts";
import type { StackLine } from "./stack.ts";

export interface SourceLine {
  number: number;
  text: string;
  /** The line the frame points at. */
  marked: boolean;
}

export interface FrameView {
  functionName: string;
  /** A stack line that is not a frame, kept as text in `file`. */
  raw?: boolean;
  kind: FrameKind;
  /** The file as shown: relative to the project root, or as the stack named it. */
  file: string;
  line?: number;
  column?: number;
  /** `dist/app.js:3:9` when the position was mapped from a compiled file. */
  mappedFrom?: string;
  /** The lines around `line`, when the source could be read. */
  source?: SourceLine[];
}

const CONTEXT_LINES = 3;
const MAX_LINE_LENGTH = 300;

/** What the page says, once, when frames point into the bundle `wrangler dev` runs. */
export const BUNDLE_NOTE =
  "No source: under wrangler dev the worker runs the one file wrangler bundled, and workerd " +
  "gives it no way to read that bundle's source map, so these positions (lines of the bundle) " +
  "cannot be mapped here. The same stack, mapped to your files, is printed in the terminal " +
  "running wrangler dev.";
/** What it says when the user's frames have no source because no adapter lent a reader. */
export const NO_READER_NOTE =
  "No source: this runtime gave the debug page no way to read files. The Node, Deno and Bun " +
  "adapters' serve() do.";

/** Per page: files and maps are read once however many frames name them. */
export class FrameViewer {
  readonly #reader: SourceReader | undefined;
  readonly #texts = new Map<string, string | undefined>();
  readonly #maps = new Map<string, SourceMapJson | undefined>();
  /** What the page should say about missing sources. */
  readonly notes = new Set<string>();

  constructor(reader: SourceReader | undefined) {
    this.#reader = reader;
  }

  view(frame: StackLine): FrameView {
    if (typeof frame === "string") {
      return { functionName: "", kind: "runtime", file: frame, raw: true };
    }
    const path = toPath(frame.file);
    const view: FrameView = {
      functionName: frame.functionName,
      kind: classifyFrame(frame.file, path),
      file: path === undefined ? frame.file : displayPath(path, this.#reader),
      line: frame.line,
      column: frame.column,
    };
    if (path === undefined || frame.line === undefined) return view;
    if (isBundle(path)) {
      this.notes.add(BUNDLE_NOTE);
      return { ...view, file: "<wrangler bundle>" };
    }
    if (!this.#reader) {
      if (view.kind === "app") this.notes.add(NO_READER_NOTE);
      return view;
    }
    try {
      return this.#withSource(view, path, frame.line, frame.column ?? 1);
    } catch {
      return view; // a file or map we could not make sense of: the frame, without source
    }
  }

  // 1. Read the file the stack names. 2. If it points to a source map that maps
  //    this position, show the original file and line instead.
  #withSource(view: FrameView, path: string, line: number, column: number): FrameView {
    const text = this.#read(path);
    if (text === undefined) return view;
    const mapped = this.#mapped(path, text, line, column);
    if (mapped) {
      const generated = `${view.file}:${line}:${column}`;
      return { ...view, ...mapped, mappedFrom: generated };
    }
    return { ...view, source: linesAround(text, line) };
  }

  #mapped(path: string, text: string, line: number, column: number) {
    const url = findSourceMapUrl(text);
    if (url === undefined) return undefined;
    const { map, mapPath } = this.#map(url, path);
    const position = map && originalPosition(map, line, column);
    if (!map || !position) return undefined;
    const root = typeof map.sourceRoot === "string" ? map.sourceRoot : "";
    const original = resolvePath(
      directoryOf(mapPath),
      root ? `${root}/${position.source}` : position.source,
    );
    const embedded = map.sourcesContent?.[position.sourceIndex];
    const source = typeof embedded === "string" ? embedded : this.#read(original);
    return {
      kind: classifyFile(original),
      file: displayPath(original, this.#reader),
      line: position.line,
      column: position.column,
      source: source === undefined ? undefined : linesAround(source, position.line),
    };
  }

  // Parsed once per page: a bundle's map can be megabytes, and many frames point into it.
  #map(url: string, path: string): { map: SourceMapJson | undefined; mapPath: string } {
    const inline = /^data:application\/json[^,]*;base64,(.*)$/.exec(url);
    const mapPath = inline
      ? path
      : resolvePath(directoryOf(path), decodeURIComponent(url.split(/[?#]/)[0] ?? ""));
    if (!this.#maps.has(mapPath)) {
      const json = inline ? decodeBase64(inline[1] ?? "") : this.#read(mapPath);
      this.#maps.set(mapPath, json === undefined ? undefined : parseSourceMap(json));
    }
    return { map: this.#maps.get(mapPath), mapPath };
  }

  #read(path: string): string | undefined {
    if (!this.#texts.has(path)) this.#texts.set(path, this.#reader?.readText(path));
    return this.#texts.get(path);
  }
}

function linesAround(text: string, line: number): SourceLine[] | undefined {
  const lines = text.split(/\r?\n/);
  if (line < 1 || line > lines.length) return undefined;
  const first = Math.max(1, line - CONTEXT_LINES);
  const last = Math.min(lines.length, line + CONTEXT_LINES);
  const shown: SourceLine[] = [];
  for (let number = first; number <= last; number++) {
    const full = lines[number - 1] ?? "";
    const text = full.length > MAX_LINE_LENGTH ? `${full.slice(0, MAX_LINE_LENGTH)}…` : full;
    shown.push({ number, text, marked: number === line });
  }
  return shown;
}

function decodeBase64(data: string): string | undefined {
  try {
    const bytes = Uint8Array.from(atob(data), (char) => char.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    return undefined;
  }
}
