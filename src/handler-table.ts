import { type AnyClass, brandOf } from "./error-base.ts";
import { isHTTPException } from "./exceptions.ts";
import { isValidHttpStatus } from "./status.ts";
import type { AnyExceptionHandler, ExceptionHandler } from "./types.ts";

/** An `Error` class (or a subclass): the only kind of class a handler can be keyed by. */
export type ErrorClass = AnyClass;
export type HandlerKey = number | ErrorClass;
export type HandlerEntries =
  | Map<HandlerKey, ExceptionHandler>
  | Iterable<readonly [HandlerKey, ExceptionHandler]>
  | Record<number, ExceptionHandler>;

type ClassKey = AnyClass | string; // a constructor, or the brand of one of ours

function describeKey(key: unknown): string {
  if (typeof key === "function") return `class ${key.name || "(anonymous)"}`;
  return typeof key === "string" ? `"${key}"` : String(key);
}

function isErrorClass(key: AnyClass): boolean {
  return key === Error || key.prototype instanceof Error || brandOf(key) !== undefined;
}

function checkKey(key: unknown): HandlerKey {
  if (typeof key === "number") {
    if (isValidHttpStatus(key)) return key;
    throw new TypeError(`exception handler key ${key} must be an HTTP status code from 100 to 599`);
  }
  if (typeof key === "function" && isErrorClass(key as AnyClass)) return key as ErrorClass;
  throw new TypeError(
    `exception handler key must be a status code or an Error class, got ${describeKey(key)}`,
  );
}

function toEntries(entries: HandlerEntries): Iterable<readonly [unknown, AnyExceptionHandler]> {
  if (entries instanceof Map || Symbol.iterator in entries) {
    return entries as Iterable<readonly [unknown, AnyExceptionHandler]>;
  }
  // An object literal's keys are strings: `{ 404: h }` means status 404.
  return Object.entries(entries).map(([key, handler]) => [toStatusKey(key), handler] as const);
}

function toStatusKey(key: string): unknown {
  return /^\d+$/.test(key) ? Number(key) : key;
}

/**
 * The handler table: status codes and error classes → handlers. Lookup walks
 * the class chain, most specific first, and is cached per class.
 */
export class HandlerTable {
  readonly #byStatus = new Map<number, AnyExceptionHandler>();
  readonly #byClass = new Map<ClassKey, AnyExceptionHandler>();
  #cache = new WeakMap<object, AnyExceptionHandler | null>();

  constructor(entries?: HandlerEntries) {
    if (entries) this.addAll(entries);
  }

  addAll(entries: HandlerEntries): void {
    for (const [key, handler] of toEntries(entries)) this.add(key as HandlerKey, handler);
  }

  /** Registers a handler; takes effect on the next lookup, even after requests were served. */
  add(key: HandlerKey, handler: AnyExceptionHandler): void {
    const checked = checkKey(key);
    if (typeof handler !== "function") {
      throw new TypeError(`exception handler for ${describeKey(key)} must be a function`);
    }
    if (typeof checked === "number") this.#byStatus.set(checked, handler);
    else this.#byClass.set(brandOf(checked) ?? checked, handler);
    this.#cache = new WeakMap();
  }

  /**
   * The handler for a handled exception (S-LOOK-2, S-LOOK-3): by status code
   * first (`HTTPException` only), then by class, most specific first.
   */
  lookup(exc: unknown): AnyExceptionHandler | undefined {
    if (isHTTPException(exc)) {
      const byStatus = this.#byStatus.get(exc.statusCode);
      if (byStatus) return byStatus;
    }
    return this.forClass(exc);
  }

  /**
   * The most specific class handler for `exc`, walking its prototype chain
   * up to (not including) `Error`, whose handler answers unhandled errors.
   */
  forClass(exc: unknown): AnyExceptionHandler | undefined {
    if (typeof exc !== "object" || exc === null) return undefined;
    try {
      return this.#forPrototype(Object.getPrototypeOf(exc) as object | null);
    } catch {
      return undefined; // a Proxy whose traps throw has no class to look up: an unhandled error
    }
  }

  /** The catch-all for unhandled errors: `Error` wins over `500`. */
  forUnhandled(): ExceptionHandler | undefined {
    return (this.#byClass.get(Error) ?? this.#byStatus.get(500)) as ExceptionHandler | undefined;
  }

  #forPrototype(proto: object | null): AnyExceptionHandler | undefined {
    if (proto === null) return undefined;
    let handler = this.#cache.get(proto);
    if (handler === undefined) {
      handler = this.#walk(proto) ?? null;
      this.#cache.set(proto, handler);
    }
    return handler ?? undefined;
  }

  #walk(start: object): AnyExceptionHandler | undefined {
    for (let proto: object | null = start; proto && proto !== Error.prototype; ) {
      const owner = Object.hasOwn(proto, "constructor")
        ? (proto.constructor as AnyClass)
        : undefined;
      const handler = owner && this.#forClass(owner);
      if (handler) return handler;
      proto = Object.getPrototypeOf(proto) as object | null;
    }
    return undefined;
  }

  #forClass(owner: AnyClass): AnyExceptionHandler | undefined {
    const brand = brandOf(owner);
    return this.#byClass.get(owner) ?? (brand && this.#byClass.get(brand));
  }
}
