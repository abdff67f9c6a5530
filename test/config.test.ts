import { describe, expect, expectTypeOf, it } from "vitest";
import { Config } from "../src/config.ts";

const kv = { get: async (key: string) => key };
const env = {
  DEBUG: "true",
  PORT: " 8080 ",
  NAME: "edgelette",
  EMPTY: "",
  WORKERS_FLAG: true,
  WORKERS_PORT: 9000,
  CACHE: kv,
};

describe("Config: reading values", () => {
  it("S-DBG-5: get() returns the string from a bindings object or from a getter", () => {
    expect(new Config(env).get("NAME")).toBe("edgelette");
    const getter = (key: string) => (key === "NAME" ? "from-getter" : undefined);
    expect(new Config(getter).get("NAME")).toBe("from-getter");
  });

  it("S-DBG-5: a missing key with no default throws an Error naming the key", () => {
    expect(() => new Config(env).get("SECRET_KEY")).toThrow(/"SECRET_KEY" is missing/);
    expect(() => new Config().get("DEBUG")).toThrow(Error);
  });

  it("S-DBG-5: inherited properties such as toString never count as set", () => {
    expect(() => new Config({}).get("toString")).toThrow(/"toString" is missing/);
    expect(new Config({}).get("constructor", { default: "none" })).toBe("none");
  });

  it("S-DBG-5: a missing key returns the default as given, even undefined", () => {
    const config = new Config(env);
    expect(config.get("MISSING", { default: "x" })).toBe("x");
    expect(config.get("MISSING", { default: undefined })).toBeUndefined();
    expect(config.get("MISSING", { cast: Boolean, default: false })).toBe(false);
    expect(config.get("NAME", { default: "x" })).toBe("edgelette");
  });

  it("S-DBG-5: an empty string is a value, not a missing key", () => {
    expect(new Config(env).get("EMPTY", { default: "fallback" })).toBe("");
  });

  it("S-DBG-5: non-string bindings (KV namespaces…) come back as they are without a cast", () => {
    expect(new Config(env).get("CACHE") as unknown).toBe(kv);
  });

  it("S-DBG-5: a source that is neither object nor function is a TypeError", () => {
    expect(() => new Config(null as never)).toThrow(TypeError);
    expect(() => new Config("DEBUG=1" as never)).toThrow(TypeError);
  });
});

describe("Config: the boolean cast", () => {
  it("S-DBG-5: the boolean cast accepts true/false/1/0, any case, trimmed", () => {
    const cases: [string, boolean][] = [
      ["true", true],
      ["TRUE", true],
      [" True ", true],
      ["1", true],
      ["false", false],
      ["False", false],
      ["0", false],
      ["\t0\n", false],
    ];
    for (const [text, expected] of cases) {
      expect(new Config({ DEBUG: text }).get("DEBUG", { cast: Boolean }), text).toBe(expected);
    }
  });

  it("S-DBG-5: the boolean cast is strict", () => {
    for (const text of ["yes", "no", "on", "off", "", "2", "truthy", "t", "-1"]) {
      const config = new Config({ DEBUG: text });
      expect(() => config.get("DEBUG", { cast: Boolean }), text).toThrow(TypeError);
    }
  });

  it("S-DBG-5: a rejected boolean names the key, the value and the accepted values", () => {
    const config = new Config({ DEBUG: "yes" });
    expect(() => config.boolean("DEBUG")).toThrow(
      'Config "DEBUG" has value "yes", which is not a boolean; accepted values are "true", "false", "1" and "0".',
    );
  });

  it("S-DBG-5: a real boolean from Workers vars passes; other non-strings are a TypeError", () => {
    const config = new Config(env);
    expect(config.boolean("WORKERS_FLAG")).toBe(true);
    expect(() => config.boolean("CACHE")).toThrow(/"CACHE" holds a object/);
    expect(() => config.boolean("WORKERS_PORT")).toThrow(TypeError);
  });

  it("S-DBG-5: boolean() uses its fallback only when the key is missing", () => {
    const config = new Config(env);
    expect(config.boolean("DEBUG", false)).toBe(true);
    expect(config.boolean("MISSING", false)).toBe(false);
    expect(() => config.boolean("MISSING")).toThrow(/"MISSING" is missing/);
  });
});

describe("Config: number, string and custom casts", () => {
  it("S-DBG-5: the number cast gives a finite number", () => {
    const config = new Config(env);
    expect(config.get("PORT", { cast: Number })).toBe(8080);
    expect(config.number("WORKERS_PORT")).toBe(9000);
    expect(config.number("MISSING", 3000)).toBe(3000);
  });

  it("S-DBG-5: blank, non-numeric and infinite values are a TypeError naming the key", () => {
    for (const text of ["", "  ", "abc", "Infinity", "NaN", "8080px"]) {
      const config = new Config({ PORT: text });
      expect(() => config.number("PORT"), JSON.stringify(text)).toThrow(/"PORT" has value/);
    }
    expect(() => new Config({ PORT: Number.NaN }).number("PORT")).toThrow(TypeError);
  });

  it("S-DBG-5: string() returns strings and refuses non-string bindings", () => {
    const config = new Config(env);
    expect(config.string("NAME")).toBe("edgelette");
    expect(config.string("MISSING", "dflt")).toBe("dflt");
    expect(() => config.string("CACHE")).toThrow(TypeError);
  });

  it("S-DBG-5: a custom cast receives the string and its result is returned", () => {
    const config = new Config({ HOSTS: "a.com, b.com" });
    const hosts = config.get("HOSTS", { cast: (text) => text.split(",").map((h) => h.trim()) });
    expect(hosts).toEqual(["a.com", "b.com"]);
  });

  it("S-DBG-5: a custom cast that throws becomes a TypeError naming the key, with the cause", () => {
    const config = new Config({ URL: "not a url" });
    const cast = (text: string) => new URL(text);
    expect(() => config.get("URL", { cast })).toThrow(/"URL" has value "not a url"/);
    try {
      config.get("URL", { cast });
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).cause).toBeInstanceOf(Error);
    }
    expect.assertions(3);
  });
});

describe("Config: types", () => {
  it("S-DBG-5: casts and helpers are typed by what they return (checked by tsc)", () => {
    const config = new Config(env);
    expectTypeOf(config.get("NAME")).toEqualTypeOf<string>();
    expectTypeOf(config.get("DEBUG", { cast: Boolean, default: false })).toEqualTypeOf<boolean>();
    expectTypeOf(config.get("PORT", { cast: Number })).toEqualTypeOf<number>();
    expectTypeOf(
      config.get("X", { cast: (text) => text.length, default: 0 }),
    ).toEqualTypeOf<number>();
    expectTypeOf(config.get("X", { default: null })).toEqualTypeOf<string | null>();
    expectTypeOf(config.boolean("DEBUG", false)).toEqualTypeOf<boolean>();
    expectTypeOf(config.number("PORT")).toEqualTypeOf<number>();
    expectTypeOf(config.string("NAME", "x")).toEqualTypeOf<string>();
    expect(config.get("X", { cast: (text) => text.length, default: 0 })).toBe(0);
  });
});
