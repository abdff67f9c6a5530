/** Where settings come from: an env-bindings object, or a getter that reads one variable. */
export type ConfigSource = Record<string, unknown> | ((key: string) => unknown);

/** A custom cast: turns the raw string into the value the app wants. */
export type ConfigCast<T> = (value: string) => T;

const BOOLEANS: Record<string, boolean> = { true: true, false: false, "1": true, "0": false };

/**
 * Typed access to environment settings, on any runtime.
 *
 * @example
 * const config = new Config(env); // Workers `env`, or what a runtime adapter passes in
 * const debug = config.get("DEBUG", { cast: Boolean, default: false }); // boolean
 * const port = config.number("PORT", 8000);
 */
export class Config {
  readonly #read: (key: string) => unknown;

  constructor(source: ConfigSource = {}) {
    if (typeof source === "function") {
      this.#read = (key) => source(key);
    } else if (typeof source === "object" && source !== null) {
      // Own keys only, so "toString" or "constructor" never read as set.
      this.#read = (key) => (Object.hasOwn(source, key) ? source[key] : undefined);
    } else {
      throw new TypeError("Config expects an env-bindings object or a (key) => value function.");
    }
  }

  /**
   * The value of `key`, cast if asked. A missing key returns `default` as given (not cast),
   * or throws. Without a cast, non-string bindings (KV namespaces…) come back as they are.
   */
  get(key: string): string;
  get(key: string, options: { cast: BooleanConstructor; default?: boolean }): boolean;
  get(key: string, options: { cast: NumberConstructor; default?: number }): number;
  get<T>(key: string, options: { cast: ConfigCast<T>; default?: T }): T;
  get<D>(key: string, options: { default: D }): string | D;
  get(key: string, options: { cast?: unknown; default?: unknown } = {}): unknown {
    const value = this.#read(key);
    if (value === undefined) {
      if ("default" in options) return options.default;
      throw new Error(`Config "${key}" is missing and has no default.`);
    }
    return options.cast === undefined ? value : castValue(key, value, options.cast);
  }

  /** `key` as a strict boolean: "true", "false", "1" or "0" (any case). */
  boolean(key: string, fallback?: boolean): boolean {
    return this.get(key, withDefault({ cast: Boolean }, fallback));
  }

  /** `key` as a finite number. */
  number(key: string, fallback?: number): number {
    return this.get(key, withDefault({ cast: Number }, fallback));
  }

  /** `key` as a string; a non-string binding is a `TypeError`. */
  string(key: string, fallback?: string): string {
    return this.get(key, withDefault({ cast: (value: string) => value }, fallback));
  }
}

/** Adds `default` only when a fallback was given, so "no fallback" still throws. */
function withDefault<O extends object, T>(options: O, fallback: T | undefined): O {
  return fallback === undefined ? options : { ...options, default: fallback };
}

function castValue(key: string, value: unknown, cast: unknown): unknown {
  if (cast === Boolean) return toBoolean(key, value);
  if (cast === Number) return toNumber(key, value);
  if (typeof cast !== "function") throw new TypeError(`Config "${key}": cast must be a function.`);
  const text = requireString(key, value);
  try {
    return (cast as ConfigCast<unknown>)(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(
      `Config "${key}" has value ${show(text)}, which the cast rejected: ${reason}`,
      {
        cause: error,
      },
    );
  }
}

function toBoolean(key: string, value: unknown): boolean {
  // Workers `vars` may already hold a real boolean.
  if (typeof value === "boolean") return value;
  const text = requireString(key, value).trim().toLowerCase();
  if (Object.hasOwn(BOOLEANS, text)) return BOOLEANS[text];
  throw new TypeError(
    `Config "${key}" has value ${show(value)}, which is not a boolean; ` +
      'accepted values are "true", "false", "1" and "0".',
  );
}

function toNumber(key: string, value: unknown): number {
  // `Number("")` is 0, so blank text is rejected before converting.
  const text = typeof value === "number" ? value : requireString(key, value).trim();
  const number = text === "" ? Number.NaN : Number(text);
  if (Number.isFinite(number)) return number;
  throw new TypeError(`Config "${key}" has value ${show(value)}, which is not a finite number.`);
}

function requireString(key: string, value: unknown): string {
  if (typeof value === "string") return value;
  throw new TypeError(
    `Config "${key}" holds a ${typeof value}, not a string, so it cannot be cast.`,
  );
}

/** Quotes strings so blank or padded values are visible in messages. */
function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
