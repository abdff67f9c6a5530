// The seam through which an adapter lends the debug page its runtime's file
// access. The core never reads files itself: Workers cannot, and each of Node,
// Deno and Bun reads them its own way.

/**
 * Set on the execution context an adapter passes to `app.fetch`, like
 * `WEBSOCKET_UPGRADER`. Only the debug page reads it.
 */
export const SOURCE_READER = Symbol.for("edgelette.sourceReader");

/** How the debug page reads the files a stack names. */
export interface SourceReader {
  /** The project root (the working directory): paths on the page are shown relative to it. */
  readonly root: string;
  /** The text of the file at an absolute path, or undefined when it cannot be read. */
  readText(path: string): string | undefined;
}

/** Files past this size are not read for the page: a source line is not worth megabytes. */
const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/**
 * A reader over a runtime's synchronous file read. Never throws: a missing or
 * unreadable file (no permission, a directory) is undefined.
 * @example createSourceReader(process.cwd(), (path) => readFileSync(path, "utf8"))
 */
export function createSourceReader(root: string, read: (path: string) => string): SourceReader {
  return {
    root: root.replaceAll("\\", "/"),
    readText(path) {
      try {
        const text = read(path);
        return typeof text === "string" && text.length <= MAX_SOURCE_BYTES ? text : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** The reader an adapter set on `executionCtx`, if any; any other value is ignored. */
export function sourceReaderOf(executionCtx: unknown): SourceReader | undefined {
  if (typeof executionCtx !== "object" || executionCtx === null) return undefined;
  let reader: unknown;
  try {
    reader = (executionCtx as Record<symbol, unknown>)[SOURCE_READER];
  } catch {
    return undefined;
  }
  const candidate = reader as Partial<SourceReader> | undefined;
  const usable = typeof candidate?.readText === "function" && typeof candidate.root === "string";
  return usable ? (candidate as SourceReader) : undefined;
}
