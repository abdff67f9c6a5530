/**
 * What edgelette's exceptions are made of: an `Error` that skips the `Error`
 * constructor, and a brand that works across copies of the package.
 */

// A brand shared by every copy of the package (two bundles, two entry points,
// a nested node_modules), so `instanceof` and handler lookup agree across them.
const BRAND = Symbol.for("edgelette.exception");

/** Any class; what a brand is attached to. */
export type AnyClass = abstract new (...args: never[]) => unknown;

export type Brand =
  | "HTTPException"
  | "WebSocketException"
  | "WebSocketDisconnect"
  | "ClientDisconnect";

let captureStacks = false;

/** Handled exceptions skip stack capture unless some app runs with `debug: true` (S-EXC-6). */
export function enableStackCapture(): void {
  captureStacks = true;
}

/** The brand of a class (own static property only, so subclasses stay distinct). */
export function brandOf(candidate: unknown): Brand | undefined {
  if (typeof candidate !== "function" || !Object.hasOwn(candidate, BRAND)) return undefined;
  return (candidate as unknown as Record<symbol, Brand>)[BRAND];
}

// A plain `new Error(…)`, the usual unhandled error, is never branded: brands live on
// our classes' prototypes. JavaScriptCore reads a missing symbol through an `Error`'s
// prototype chain in about 20 ns against 1 ns for comparing its prototype (Bun: a
// thrown-`Error` request 0.94× with the comparison first); V8 showed no difference.
const ERROR_PROTOTYPE = Error.prototype;

/**
 * Whether `value` is one of ours. Any value can be thrown, including a
 * `Proxy` whose traps throw: reading it must never turn one failure into two.
 */
export function hasBrand(value: unknown, brand: Brand): boolean {
  if (typeof value !== "object" || value === null) return false;
  try {
    if (Object.getPrototypeOf(value) === ERROR_PROTOTYPE) return false;
    return (value as Record<symbol, unknown>)[BRAND] === brand;
  } catch {
    return false;
  }
}

/**
 * `instanceof` for a branded base class: matches instances from any copy of
 * the package. Subclasses keep the ordinary prototype check.
 */
function brandedInstanceCheck(base: AnyClass, brand: Brand) {
  const ordinary = Function.prototype[Symbol.hasInstance];
  return function (this: AnyClass, value: unknown): boolean {
    if (ordinary.call(this, value)) return true;
    return this === base && hasBrand(value, brand);
  };
}

export function brand(target: AnyClass, name: Brand): void {
  Object.defineProperty(target, BRAND, { value: name });
  Object.defineProperty(target.prototype, BRAND, { value: name });
  Object.defineProperty(target, Symbol.hasInstance, {
    value: brandedInstanceCheck(target, name),
  });
}

type ErrorBaseConstructor = new (message: string, options?: ErrorOptions) => Error;

const captureStackTrace = (
  Error as { captureStackTrace?: (target: object, above: unknown) => void }
).captureStackTrace;

/**
 * An `Error` by prototype that never runs the `Error` constructor. Creating a
 * real `Error` costs about 0.3 µs on Bun and 1.9 µs on Deno even with
 * `Error.stackTraceLimit = 0`, while this costs 10–50 ns: a handled exception
 * should cost what a return does (S-EXC-6). What an `Error` offers is kept:
 * `instanceof Error`, `name`, a non-enumerable `message` and `cause`,
 * `toString()`, the `[object Error]` tag, and a `stack` (the header line, or
 * the frames once some app runs in debug mode). `message` is an accessor, not
 * an own property: defining one costs 0.3 µs on Deno (measured), 7× the rest.
 */
class ErrorBase {
  #message: string;

  constructor(message: string, options?: ErrorOptions) {
    this.#message = message;
    if (options !== undefined && "cause" in options) {
      Object.defineProperty(this, "cause", {
        value: options.cause,
        writable: true,
        configurable: true,
      });
    }
  }

  // Read on the prototype itself (as some inspectors do), it is Error's "".
  get message(): string {
    return #message in this ? this.#message : "";
  }

  set message(message: string) {
    if (#message in this) this.#message = message;
    else
      Object.defineProperty(this, "message", {
        value: message,
        writable: true,
        configurable: true,
      });
  }

  /**
   * How Node, Bun and Deno print it: as an error (its `stack`), then its own
   * fields and `cause`. Without this, Bun prints an object that is an error
   * only by prototype field by field, with `message` as a getter.
   */
  [Symbol.for("nodejs.util.inspect.custom")](
    _depth: number,
    options: unknown,
    inspect: (value: unknown, options: unknown) => string,
  ): string {
    const { name: _name, ...fields } = this as unknown as Record<string, unknown>;
    if ("cause" in this) fields.cause = this.cause;
    const header = String((this as unknown as Error).stack);
    return Object.keys(fields).length === 0 ? header : `${header} ${inspect(fields, options)}`;
  }
}

/** The same class, typed as the `Error` it behaves as. */
const ErrorByPrototype = ErrorBase as unknown as ErrorBaseConstructor;

Object.setPrototypeOf(ErrorBase.prototype, Error.prototype);
Object.defineProperties(ErrorBase.prototype, {
  [Symbol.toStringTag]: { value: "Error", configurable: true },
  // Without captured frames, `stack` is what V8 prints with no frames: the header.
  stack: {
    get(this: Error) {
      return `${this.name}: ${this.message}`;
    },
    set(this: Error, stack: unknown) {
      Object.defineProperty(this, "stack", { value: stack, writable: true, configurable: true });
    },
    configurable: true,
  },
});

/**
 * The base of edgelette's own exceptions: expected outcomes, not bugs, so
 * they carry no stack frames unless an app runs in debug mode (S-EXC-6).
 */
export abstract class EdgeletteException extends ErrorByPrototype {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    if (captureStacks) captureStack(this, new.target);
  }
}

/** Frames from the caller of `above` on, as the engine prints them. */
function captureStack(exc: Error, above: unknown): void {
  if (captureStackTrace) {
    captureStackTrace(exc, above);
    // JSC (Bun) heads the frames with a bare "Error": give them this exception's header.
    const stack = String(exc.stack);
    const header = String(exc);
    if (stack.startsWith(header)) return;
    const newline = stack.indexOf("\n");
    exc.stack = header + (newline === -1 ? "" : stack.slice(newline));
    return;
  }
  // An engine without it: a real Error's frames under this exception's header.
  const frames = new Error().stack?.split("\n").slice(1) ?? [];
  exc.stack = [String(exc), ...frames].join("\n");
}
