// Turning a thrown value into plain data for the traceback page: class,
// message, frames and causes. Every read is guarded: the value may be a Proxy,
// have throwing getters, or not be an Error at all.
//
// `error.stack` comes in two formats:
// - V8 (Node, Deno, workerd, and Bun's `error.stack`): a header line such as
//   `TypeError: boom`, then `    at fn (file:line:col)` or `    at file:line:col`.
// - JavaScriptCore (Safari) and SpiderMonkey: no header, `fn@file:line:col`,
//   `@file:line:col` for anonymous code, `map@[native code]`.

export interface StackFrame {
  /** "" for anonymous functions and top-level code. */
  functionName: string;
  file: string;
  line?: number;
  column?: number;
}

/** A parsed frame, or the trimmed text of a line that is not one. */
export type StackLine = StackFrame | string;

export interface ErrorSummary {
  /** Constructor name (`TypeError`), or `typeof` for primitives (`string`, `undefined`). */
  className: string;
  /** The message, or a safe preview of a value that has none. */
  message: string;
  frames: StackLine[];
  /** How it relates to the error shown before it: "" for the thrown value, "Caused by", … */
  relation?: string;
}

export interface Traceback {
  /** The thrown value first, then the errors it holds and its causes. */
  chain: ErrorSummary[];
  /** Why the cause chain stops early, or "". */
  note: string;
}

const MAX_CAUSES = 10;
const PREVIEW_LIMIT = 2000;

/**
 * Parse a stack innermost first, as both engines print it. `header` is what
 * V8 puts first (`String(error)`); knowing it lets a multi-line message be cut
 * off exactly. Lines before the first frame are taken as header and dropped.
 * @example parseStack("Error: x\n    at f (a.js:1:2)", "Error: x") // [{ functionName: "f", file: "a.js", line: 1, column: 2 }]
 */
export function parseStack(stack: string, header = ""): StackLine[] {
  const headerFound = header !== "" && stack.startsWith(header);
  const body = headerFound ? stack.slice(header.length) : stack;
  const lines = body
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "");
  let start = lines.findIndex((line) => parseFrame(line) !== undefined);
  // No frame at all: whatever follows a known header is still worth showing.
  if (start === -1) start = headerFound ? 0 : lines.length;
  return lines.slice(start).map((line) => parseFrame(line) ?? line.trim());
}

/** One line of either format; undefined when it is neither. */
export function parseFrame(line: string): StackFrame | undefined {
  const v8 = /^\s*at\s+(.+)$/.exec(line);
  return v8 ? parseV8Frame(v8[1] ?? "") : parseJscFrame(line.trim());
}

// `fn (location)` or a bare `location`. The location may hold parentheses of its
// own (`eval at run (a.js:1:1), <anonymous>:1:1`), so find the "(" that
// matches the final ")".
function parseV8Frame(body: string): StackFrame {
  const open = body.endsWith(")") ? matchingOpenParen(body) : -1;
  // `at async file:1:2`: an anonymous async function's frame.
  if (open <= 0) return { functionName: "", ...parseLocation(body.replace(/^async /, "")) };
  const functionName = body.slice(0, open).trim();
  return { functionName, ...parseLocation(body.slice(open + 1, -1)) };
}

function matchingOpenParen(text: string): number {
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === ")") depth++;
    if (text[i] === "(") depth--;
    if (depth === 0) return i;
  }
  return -1;
}

// `fn@location`. Split at the first "@": function names do not hold one, but
// paths may (`node_modules/@scope/pkg`). A location without a line number is
// not a frame, except JSC's `[native code]`.
function parseJscFrame(text: string): StackFrame | undefined {
  const at = text.indexOf("@");
  if (at === -1) return undefined;
  const functionName = text.slice(0, at);
  const location = parseLocation(text.slice(at + 1));
  if (location.line === undefined && location.file !== "[native code]") return undefined;
  return { functionName, ...location };
}

// `file:line:col`, `file:line` or just `file` (V8's `native`, `<anonymous>`).
function parseLocation(location: string): Omit<StackFrame, "functionName"> {
  const full = /^(.*):(\d+):(\d+)$/.exec(location);
  if (full) return { file: full[1] ?? "", line: Number(full[2]), column: Number(full[3]) };
  const lineOnly = /^(.*):(\d+)$/.exec(location);
  if (lineOnly) return { file: lineOnly[1] ?? "", line: Number(lineOnly[2]) };
  return { file: location };
}

/**
 * The thrown value, then what it holds: an `AggregateError`'s `errors`, then
 * its `cause`, each with their own, depth first. Stops at a loop or after
 * MAX_CAUSES errors below the first. Never throws, whatever was thrown.
 */
export function describeError(error: unknown): Traceback {
  const walk: Traceback = { chain: [], note: "" };
  visit(walk, new Set(), error, "");
  return walk;
}

function visit(walk: Traceback, seen: Set<unknown>, value: unknown, relation: string): void {
  if (seen.has(value)) {
    walk.note ||= "The cause chain loops: the next cause is already shown above.";
    return;
  }
  if (walk.chain.length > MAX_CAUSES) {
    walk.note ||= `Only the first ${MAX_CAUSES} causes are shown.`;
    return;
  }
  seen.add(value);
  const summary = { ...summarize(value), relation };
  walk.chain.push(summary);
  const inner = readErrors(value);
  if (inner.length > MAX_CAUSES) walk.note ||= `Only the first ${MAX_CAUSES} causes are shown.`;
  inner.slice(0, MAX_CAUSES).forEach((item, index) => {
    visit(walk, seen, item, `Error ${index + 1} of ${inner.length} in ${summary.className}`);
  });
  const cause = readCause(value);
  if (cause) visit(walk, seen, cause.value, "Caused by");
}

// `AggregateError.errors` (or any error's own array of that name), copied
// defensively: a Proxy or a getter may throw.
function readErrors(value: unknown): unknown[] {
  if (typeof value !== "object" || value === null) return [];
  const errors = read(value, "errors");
  try {
    return Array.isArray(errors) && read(value, "stack") !== undefined ? Array.from(errors) : [];
  } catch {
    return [];
  }
}

function readCause(value: unknown): { value: unknown } | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  try {
    return "cause" in value ? { value: value.cause } : undefined;
  } catch {
    return undefined; // a Proxy whose `has` trap throws
  }
}

function summarize(value: unknown): ErrorSummary {
  if (typeof value !== "object" || value === null) {
    return {
      className: value === null ? "null" : typeof value,
      message: preview(value),
      frames: [],
    };
  }
  const name = read(value, "name");
  const message = read(value, "message");
  const stack = read(value, "stack");
  return {
    className: classNameOf(value, name),
    message: typeof message === "string" ? message : preview(value),
    frames: typeof stack === "string" ? parseStack(stack, stackHeader(name, message)) : [],
  };
}

// The constructor's name, plus `name` when it says more: `DOMException (AbortError)`,
// but not `QuotaError (Error)`, where `name` is only inherited from a base class.
function classNameOf(value: object, name: unknown): string {
  const classNames = constructorNames(value);
  const className = classNames[0] ?? "object";
  const saysMore = typeof name === "string" && name !== "" && !classNames.includes(name);
  return saysMore ? `${className} (${name})` : className;
}

// Constructor names along the prototype chain, most derived first.
function constructorNames(value: object): string[] {
  const names: string[] = [];
  try {
    let prototype: unknown = Object.getPrototypeOf(value);
    // Bounded: a Proxy's getPrototypeOf trap can invent an endless chain.
    for (let depth = 0; typeof prototype === "object" && prototype && depth < 50; depth++) {
      const owner = read(prototype, "constructor");
      const ownerName = typeof owner === "function" ? read(owner, "name") : undefined;
      if (typeof ownerName === "string" && ownerName) names.push(ownerName);
      prototype = Object.getPrototypeOf(prototype);
    }
  } catch {
    // a Proxy whose getPrototypeOf trap throws: keep what was found
  }
  return names;
}

// What V8 prints first in `stack`: `Name: message`, or either alone.
function stackHeader(name: unknown, message: unknown): string {
  const prefix = typeof name === "string" ? name : "Error";
  const text = typeof message === "string" ? message : "";
  return prefix && text ? `${prefix}: ${text}` : prefix || text;
}

function read(value: object, key: PropertyKey): unknown {
  try {
    return Reflect.get(value, key);
  } catch {
    return undefined; // a throwing getter or Proxy trap
  }
}

/** A short, never-throwing text for any value: strings as is, objects as JSON. */
function preview(value: unknown): string {
  let text: string;
  try {
    text = describeValue(value);
  } catch {
    text = `[unprintable ${typeof value}]`;
  }
  return text.length > PREVIEW_LIMIT ? `${text.slice(0, PREVIEW_LIMIT)}…` : text;
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "function") return `[function ${value.name || "anonymous"}]`;
  if (typeof value !== "object" || value === null) return String(value); // symbols too
  try {
    const json = toJson(value);
    if (json !== undefined) return json;
  } catch {
    // a throwing getter or toJSON: fall back to String()
  }
  return String(value);
}

// JSON.stringify that survives cycles, bigints and symbols.
function toJson(value: object): string | undefined {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === "bigint") return `${item}n`;
    if (typeof item === "symbol") return item.toString();
    if (typeof item !== "object" || item === null) return item;
    if (seen.has(item)) return "[Circular]";
    seen.add(item);
    return item;
  });
}
