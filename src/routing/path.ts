/**
 * Starlette-style route paths (`/users/{id:int}`) compiled to Hono router
 * patterns (`/users/:id{[0-9]+}`), plus the Hono router that matches them.
 *
 * Hono reads a pattern one `/`-separated segment at a time, and a segment is
 * either literal text or one `:name{regex}`. Anything else in a segment (a
 * parameter mid-segment, two parameters, text Hono would read as syntax) is
 * compiled to one synthetic parameter holding the whole segment, and `convert`
 * splits it with a capturing regex. A `path` parameter can span slashes, so
 * from its segment to the end of the route becomes one such parameter.
 */
import {
  METHOD_NAME_ALL,
  type ParamIndexMap,
  type ParamStash,
  type Params,
  type Router,
} from "hono/router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";

/** A route path ready for Hono: its pattern and how to convert what it matched. */
export interface CompiledPath {
  /** The path as written, e.g. `/users/{id:int}`. */
  readonly path: string;
  /** The Hono pattern, e.g. `/users/:id{[0-9]+}`. */
  readonly pattern: string;
  /** The route's parameter names, in path order. */
  readonly paramNames: readonly string[];
  /** Raw Hono params (texts, or indexes into `stash`) → converted values; `undefined` means "no match". */
  convert(raw: RawParams, stash?: ParamStash): Record<string, unknown> | undefined;
}

interface Convertor {
  /** Regex source: no capture groups (they would shift `convert`'s split) and no braces (see UUID). */
  readonly pattern: string;
  /** The value, or `undefined` when the text matched but is no usable value. */
  convert(raw: string): unknown;
}

interface Param {
  readonly name: string;
  readonly type: string;
  readonly convertor: Convertor;
}

/** Literal text, or a parameter. */
type Part = string | Param;

/** One Hono parameter and the route parameters it carries. */
interface Slot {
  readonly key: string;
  readonly params: readonly Param[];
  /** Splits a synthetic slot's text into its parameters' texts. */
  readonly splitter?: RegExp;
}

// Hono's TrieRouter finds the end of `{regex}` at the first `}` when it
// protects slashes inside it, so `{8}` quantifiers are spelled out instead.
const HEX = "[0-9a-fA-F]";
const UUID = [8, 4, 4, 4, 12].map((n) => HEX.repeat(n)).join("-?");

/** Starlette's `uuid.UUID(raw)` as text: lower case, dashed, whichever form matched. */
function canonicalUuid(raw: string): string {
  const hex = raw.replaceAll("-", "").toLowerCase();
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20),
  ].join("-");
}

// The five convertors of Starlette, with Starlette's regexes. `path` is `.*`
// as in Starlette, so `/files/{rest:path}` matches `/files/` with rest "";
// TrieRouter accepts a regex that matches "" (RegExpRouter throws on one).
const CONVERTORS: ReadonlyMap<string, Convertor> = new Map([
  ["str", { pattern: "[^/]+", convert: (raw: string) => raw }],
  ["path", { pattern: ".*", convert: (raw: string) => raw }],
  ["int", { pattern: "[0-9]+", convert: toSafeInteger }],
  ["float", { pattern: "[0-9]+(?:\\.[0-9]+)?", convert: toFiniteNumber }],
  ["uuid", { pattern: UUID, convert: canonicalUuid }],
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Text Hono would read as syntax in a literal segment (`:name`, `*`, a
// trailing `?`) or as regex in the lookahead it builds from the next segment.
const HONO_SYNTAX = /[*:?+()[\]{}^$|\\]/;

function toSafeInteger(raw: string): number | undefined {
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}

function toFiniteNumber(raw: string): number | undefined {
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Compiles a Starlette-style route path for Hono. Throws `TypeError` on a bad path.
 * @example compilePath("/users/{id:int}").pattern // "/users/:id{[0-9]+}"
 */
export function compilePath(path: string): CompiledPath {
  if (!path.startsWith("/")) {
    throw new TypeError(`Route path must start with "/": ${JSON.stringify(path)}`);
  }
  const segments = foldPathParam(splitSegments(parseParts(path)));
  const slots: Slot[] = [];
  const pattern = `/${segments.map((parts, index) => renderSegment(parts, String(index), slots)).join("/")}`;
  const paramNames = slots.flatMap((slot) => slot.params.map((param) => param.name));
  return { path, pattern, paramNames, convert: (raw, stash) => convertSlots(slots, raw, stash) };
}

/** `/a/{b:int}c` → ["/a/", {b}, "c"]; checks braces, names and convertors. */
function parseParts(path: string): Part[] {
  const parts: Part[] = [];
  const seen = new Set<string>();
  // Odd pieces are the `{...}` tokens, even ones the text between them.
  path.split(/(\{[^{}]*\})/).forEach((piece, index) => {
    if (index % 2 === 0) {
      if (/[{}]/.test(piece)) {
        throw new TypeError(`Unbalanced braces in route path ${JSON.stringify(path)}`);
      }
      if (piece !== "") parts.push(piece);
      return;
    }
    const param = parseParam(piece, path);
    if (seen.has(param.name)) {
      throw new TypeError(
        `Duplicate parameter "${param.name}" in route path ${JSON.stringify(path)}`,
      );
    }
    seen.add(param.name);
    parts.push(param);
  });
  return parts;
}

/** `{name}` or `{name:convertor}` → a Param. */
function parseParam(token: string, path: string): Param {
  const [name = "", ...typeParts] = token.slice(1, -1).split(":");
  const type = typeParts.length === 0 ? "str" : typeParts.join(":");
  if (!IDENTIFIER.test(name)) {
    throw new TypeError(
      `Parameter name in ${token} of route path ${JSON.stringify(path)} is not an identifier (letters, digits and _, not starting with a digit)`,
    );
  }
  if (name === "__proto__") {
    // Hono's TrieRouter stores params in a plain object, where this name is the prototype.
    throw new TypeError(
      `Parameter name "__proto__" is reserved, in route path ${JSON.stringify(path)}`,
    );
  }
  const convertor = CONVERTORS.get(type);
  if (convertor === undefined) {
    const known = [...CONVERTORS.keys()].join(", ");
    throw new TypeError(
      `Unknown convertor "${type}" in ${token} of route path ${JSON.stringify(path)}; known convertors: ${known}`,
    );
  }
  return { name, type, convertor };
}

/** Parts → the parts of each `/`-separated segment, leading "/" dropped. */
function splitSegments(parts: readonly Part[]): Part[][] {
  let current: Part[] = [];
  const segments = [current];
  for (const part of parts) {
    if (typeof part !== "string") {
      current.push(part);
      continue;
    }
    part.split("/").forEach((text, index) => {
      if (index > 0) {
        current = [];
        segments.push(current);
      }
      if (text !== "") current.push(text);
    });
  }
  return segments.slice(1);
}

/** From the segment holding the first `path` param on, one segment: `.*` spans slashes. */
function foldPathParam(segments: Part[][]): Part[][] {
  const first = segments.findIndex((parts) =>
    parts.some((part) => typeof part !== "string" && part.type === "path"),
  );
  if (first === -1 || first === segments.length - 1) return segments;
  const tail = segments
    .slice(first)
    .flatMap((parts, index) => (index === 0 ? parts : ["/", ...parts]));
  return [...segments.slice(0, first), tail];
}

/** One segment → Hono text; records the Hono param it creates, if any. */
function renderSegment(parts: readonly Part[], syntheticKey: string, slots: Slot[]): string {
  const [only] = parts;
  if (only === undefined) return "";
  if (parts.length === 1 && typeof only === "string" && !HONO_SYNTAX.test(only)) return only;
  if (parts.length === 1 && typeof only !== "string") {
    slots.push({ key: only.name, params: [only] });
    return only.type === "str" ? `:${only.name}` : `:${only.name}{${only.convertor.pattern}}`;
  }
  // The key is the segment's index: digits only, so it cannot clash with a
  // route parameter (those are identifiers).
  const params = parts.filter((part): part is Param => typeof part !== "string");
  const splitter = new RegExp(`^${parts.map((part) => partSource(part, true)).join("")}$`);
  slots.push({ key: syntheticKey, params, splitter });
  return `:${syntheticKey}{${parts.map((part) => partSource(part, false)).join("")}}`;
}

function partSource(part: Part, capture: boolean): string {
  if (typeof part === "string") return escapeRegExp(part);
  return capture ? `(${part.convertor.pattern})` : part.convertor.pattern;
}

function convertSlots(
  slots: readonly Slot[],
  raw: RawParams,
  stash: ParamStash | undefined,
): Record<string, unknown> | undefined {
  // Names were checked to be identifiers (and not `__proto__`) at compile time.
  const params: Record<string, unknown> = {};
  for (let index = 0; index < slots.length; index++) {
    const slot = slots[index] as Slot;
    const text =
      stash === undefined
        ? (raw as Params)[slot.key]
        : stash[(raw as ParamIndexMap)[slot.key] as number];
    if (text === undefined) return undefined;
    if (!convertSlot(slot, text, params)) return undefined;
  }
  return params;
}

/** Converts one slot's text into `params`; false when it is no usable value. */
function convertSlot(slot: Slot, text: string, params: Record<string, unknown>): boolean {
  // A slot of one whole segment (`{id:int}`, most of them) has one parameter and no splitter.
  if (slot.splitter === undefined) return convertParam(slot.params[0] as Param, text, params);
  const texts = slot.splitter.exec(text);
  if (texts === null) return false;
  for (let index = 0; index < slot.params.length; index++) {
    if (!convertParam(slot.params[index] as Param, texts[index + 1] ?? "", params)) return false;
  }
  return true;
}

function convertParam(param: Param, text: string, params: Record<string, unknown>): boolean {
  const value = param.convertor.convert(text);
  if (value === undefined) return false;
  params[param.name] = value;
  return true;
}

/**
 * The Hono router for compiled paths: RegExpRouter (one regex for the whole
 * table, ~25× faster per match) where it can express the table, else
 * TrieRouter. SmartRouter picks on the first match. Both return every
 * matching route in registration order, which Starlette's first-match-wins
 * and the 405's `Allow` need. RegExpRouter refuses `.*` (the `path`
 * convertor) and overlapping routes such as `/users/me` + `/users/:name`;
 * Linear and PatternRouter treat a trailing slash as optional (breaks
 * S-ROU-4). The router is sealed once matched, so `Router.add` rebuilds it.
 */
export function createHonoRouter<T>(): Router<T> {
  return new SmartRouter<T>({ routers: [new RegExpRouter<T>(), new TrieRouter<T>()] });
}

/** A route's raw parameters as Hono found them: the texts, or RegExpRouter's indexes into a stash. */
export type RawParams = Params | ParamIndexMap;

/** Hono's result for a path: each matching handler with its raw parameters, and the stash if any. */
export type Matches<T> = readonly [
  entries: readonly (readonly [T, RawParams])[],
  stash?: ParamStash,
];

/**
 * Every route matching `path`, in the router's order (registration order for
 * `createHonoRouter`: TrieRouter sorts by insertion). Hono's own result, read
 * as it is: copying it into objects per request showed in profiles.
 */
export function findAll<T>(router: Router<T>, path: string): Matches<T> {
  return router.match(METHOD_NAME_ALL, path);
}
