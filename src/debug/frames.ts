// Where a stack frame comes from (the user's code, edgelette, a dependency,
// the runtime, a bundle) and how the page names its file: relative to the
// project root, never as a bundle path posing as the user's file.

import type { SourceReader } from "./source-reader.ts";

/** `app` frames are the user's and shown open; the others are collapsed. */
export type FrameKind = "app" | "edgelette" | "dependency" | "runtime" | "bundle";

/** Where edgelette's own modules live: `src/` and `adapters/` beside this file's parent. */
const EDGELETTE_DIRS = edgeletteDirs();

// Only where this module is still its own file (src/debug/frames.ts, or .js in
// dist/): bundled into a user's build, `import.meta.url` is their bundle, and
// its parent directories are theirs.
function edgeletteDirs(): string[] {
  try {
    if (!/\/debug\/frames\.[jt]s$/.test(new URL(import.meta.url).pathname)) return [];
    return ["../", "../../adapters/"]
      .map((relative) => new URL(relative, import.meta.url))
      .filter((url) => url.protocol === "file:")
      .map((url) => decodePath(url.pathname));
  } catch {
    return []; // an isolate without `import.meta.url`
  }
}

/**
 * The absolute path a stack names, or undefined when it names no file
 * (`node:fs`, Deno's `ext:`, `native`, `<anonymous>`, a `//# sourceURL` label).
 * @example toPath("file:///app/src/x.ts") // "/app/src/x.ts"
 */
export function toPath(file: string): string | undefined {
  if (file.startsWith("file://")) {
    try {
      return decodePath(new URL(file).pathname);
    } catch {
      return undefined;
    }
  }
  if (file.startsWith("/")) return file;
  if (/^[A-Za-z]:[\\/]/.test(file)) return file.replaceAll("\\", "/"); // Windows
  return undefined;
}

function decodePath(pathname: string): string {
  try {
    const path = decodeURIComponent(pathname);
    return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
  } catch {
    return pathname;
  }
}

/** What the runtime names its own code with: `node:fs`, Deno's `ext:`, `native`, `<anonymous>`. */
const RUNTIME_FILE =
  /^(node:|ext:|bun:|internal[:/]|native\b|<anonymous>$|\[native code\]$|cloudflare:)/;

/**
 * Whose code a frame's `file` is. A name that is no path and no runtime's own
 * (a deployed Worker's `index.js`, code named by `//# sourceURL=`) counts as
 * the user's: better shown than folded away.
 */
export function classifyFrame(file: string, path = toPath(file)): FrameKind {
  if (path !== undefined) return classifyFile(path);
  if (/^https?:\/\//.test(file)) return "dependency"; // a remote module (Deno, a browser)
  return file === "" || RUNTIME_FILE.test(file) ? "runtime" : "app";
}

/** Whose code the file at absolute `path` is. */
export function classifyFile(path: string): FrameKind {
  if (isBundle(path)) return "bundle";
  if (path.includes("/node_modules/edgelette/")) return "edgelette";
  if (path.includes("/node_modules/")) return "dependency";
  if (EDGELETTE_DIRS.some((dir) => path.startsWith(dir))) return "edgelette";
  return "app";
}

/** The module wrangler builds for `wrangler dev` (and `wrangler deploy --dry-run`). */
export function isBundle(path: string): boolean {
  return /\/\.wrangler\/tmp\//.test(path);
}

/** `path` relative to the project root when it lies inside, else as is. */
export function displayPath(path: string, reader: SourceReader | undefined): string {
  const root = reader?.root.replace(/\/+$/, "");
  return root && path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

/**
 * `relative` resolved against the directory `base` (both POSIX-style), with
 * `.` and `..` folded, as source maps name their sources.
 * @example resolvePath("/app/dist", "../src/x.ts") // "/app/src/x.ts"
 */
export function resolvePath(base: string, relative: string): string {
  const fromUrl = toPath(relative);
  if (fromUrl !== undefined) return fromUrl;
  const parts: string[] = [];
  for (const part of `${base}/${relative}`.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  const drive = /^[A-Za-z]:/.test(base);
  return drive ? parts.join("/") : `/${parts.join("/")}`;
}

/** The directory part of a POSIX-style path. */
export function directoryOf(path: string): string {
  return path.slice(0, Math.max(path.lastIndexOf("/"), 0)) || "/";
}
