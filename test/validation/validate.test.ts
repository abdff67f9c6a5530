import type { StandardSchemaV1 } from "@standard-schema/spec";
import { type } from "arktype";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HTTPException } from "../../src/exceptions.ts";
import { ValidationError } from "../../src/validation/error.ts";
import { validate } from "../../src/validation/validate.ts";

// `validate()` and `ValidationError` on their own, with the real libraries
// (S-VAL-1). Routes and rendering are in the shared HTTP suite.

/** A hand-written Standard Schema: what any other validator looks like to edgelette. */
function schemaOf(
  validate: StandardSchemaV1["~standard"]["validate"],
): StandardSchemaV1<unknown, unknown> {
  return { "~standard": { version: 1, vendor: "test", validate } };
}

async function failureOf(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe("S-VAL-1: validate(schema, value, in)", () => {
  it("S-VAL-1: returns the output of a sync validator, transforms applied", async () => {
    expect(await validate(z.string().trim(), "  a ")).toBe("a");
    expect(await validate(v.pipe(v.string(), v.toUpperCase()), "a")).toBe("A");
    expect(await validate(type("string.numeric.parse"), "42")).toBe(42);
  });

  it("S-VAL-1: awaits an async validator", async () => {
    const slow = z.string().refine(async (text) => text.length > 2, "too short");
    expect(await validate(slow, "abc")).toBe("abc");
    const failure = await failureOf(validate(slow, "ab", "query"));
    expect(failure.detail).toEqual([{ in: "query", path: "", message: "too short" }]);
  });

  it("S-VAL-1: a failure is a ValidationError, an HTTPException(422) naming where the value came from", async () => {
    const failure = await failureOf(validate(z.object({ a: z.number() }), { a: "x" }, "headers"));
    expect(failure).toBeInstanceOf(HTTPException);
    expect(failure.statusCode).toBe(422);
    expect(failure.name).toBe("ValidationError");
    expect(failure.detail).toEqual([
      { in: "headers", path: "/a", message: "Invalid input: expected number, received string" },
    ]);
    expect(failure.message).toBe(
      "422: headers /a: Invalid input: expected number, received string",
    );
    expect(String(failure)).toBe(`ValidationError: ${failure.message}`);
    const body = await failureOf(validate(z.number(), "x"));
    expect(body.detail[0]?.in).toBe("body");
  });

  it("S-VAL-1: an error thrown inside a validator is passed on as it is", async () => {
    const bug = new Error("schema bug");
    const broken = schemaOf(() => {
      throw bug;
    });
    await expect(validate(broken, 1)).rejects.toBe(bug);
    const rejecting = schemaOf(() => Promise.reject(bug));
    await expect(validate(rejecting, 1)).rejects.toBe(bug);
  });

  it("S-VAL-1: something that is not a Standard Schema is a TypeError naming the rule", async () => {
    for (const notSchema of [null, 42, {}, { "~standard": { version: 2, validate() {} } }]) {
      await expect(validate(notSchema as never, 1)).rejects.toThrow(
        /validate\(schema\) must be a Standard Schema v1 validator/,
      );
    }
  });
});

describe("S-VAL-1: ValidationError", () => {
  it("S-VAL-1: paths are JSON Pointers: '' at the root, ~ and / escaped, path segments with a key read", () => {
    const error = new ValidationError(
      [
        { message: "root" },
        { message: "nested", path: ["items", 0, { key: "a/b~c" }] },
        { message: "symbol", path: [Symbol("s")] },
      ],
      { in: "body" },
    );
    expect(error.detail.map((each) => each.path)).toEqual(["", "/items/0/a~1b~0c", "/s"]);
    expect(error.message).toBe(
      "422: body (root): root; body /items/0/a~1b~0c: nested; body /s: symbol",
    );
    expect(new ValidationError([], { in: "query" }).message).toBe("422: Unprocessable Content");
  });

  it("S-VAL-1: nested paths and arrays from zod, valibot and arktype read the same", async () => {
    const input = { list: [{ n: 1 }, { n: "x" }] };
    const schemas = [
      z.object({ list: z.array(z.object({ n: z.number() })) }),
      v.object({ list: v.array(v.object({ n: v.number() })) }),
      type({ list: type({ n: "number" }).array() }),
    ];
    for (const schema of schemas) {
      const failure = await failureOf(validate(schema, input));
      expect(failure.detail.map((each) => each.path)).toEqual(["/list/1/n"]);
    }
  });

  it("S-EXC-6: carries no stack frames when no app is debugging", () => {
    const error = new ValidationError([{ message: "m" }], { in: "body" });
    expect(String(error.stack)).not.toMatch(/\n\s+at /);
  });

  it("S-VAL-1: keeps no issue object: only in, path and message", () => {
    const issue = { message: "bad", path: ["a"], input: "secret", received: "secret" };
    const error = new ValidationError([issue], { in: "query", input: { a: "secret" } });
    expect(error.detail).toEqual([{ in: "query", path: "/a", message: "bad" }]);
    expect(JSON.stringify(error)).not.toContain("secret");
    expect(Object.values(error).flat()).not.toContain(issue);
  });
});

describe("S-VAL-1: messages lose every quotation of the input", () => {
  const hidden = (message: string, input: unknown) =>
    new ValidationError([{ message, path: ["f"] }], { in: "body", input: { f: input } }).detail[0]
      ?.message;

  it('S-VAL-1: a quoted string, raw or JSON-escaped, becomes "…"', () => {
    expect(hidden('Expected number but received "hunter22"', "hunter22")).toBe(
      'Expected number but received "…"',
    );
    expect(hidden('was "a\\"b\\nc"', 'a"b\nc')).toBe('was "…"');
  });

  it("S-VAL-1: what a trim or toLowerCase step left of it is recognised inside quotes", () => {
    expect(hidden('Invalid email: Received "mixedcase"', "  MixedCase ")).toBe(
      'Invalid email: Received "…"',
    );
  });

  it("S-VAL-1: a short string is removed where it stands alone, not inside words", () => {
    expect(hidden("must be a number (was a)", "a")).toBe("must be … number (was …)");
    expect(hidden('Invalid type: received "ab"', "ab")).toBe('Invalid type: received "…"');
  });

  it("S-VAL-1: numbers and booleans are removed as whole tokens only", () => {
    expect(hidden("Expected >=10 but received 5", 5)).toBe("Expected >=10 but received …");
    expect(hidden("Expected 15 or 0.5, got -5", -5)).toBe("Expected 15 or 0.5, got …");
    expect(hidden("Expected true but received false", false)).toBe("Expected true but received …");
  });

  it("S-VAL-1: strings inside an object or array at the path are found too", () => {
    expect(hidden('got ["k-one","k-two"]', ["k-one", { deep: "k-two" }])).toBe('got ["…","…"]');
  });

  it("S-VAL-1: a message that quotes nothing of the input is left as written", () => {
    expect(hidden('Expected ("red" | "green")', "blue")).toBe('Expected ("red" | "green")');
  });

  it("S-VAL-1: an input whose reads throw still gives a 422, not a 500", () => {
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
        ownKeys() {
          throw new Error("trap");
        },
      },
    );
    const error = new ValidationError([{ message: "m", path: ["x", "y"] }], {
      in: "body",
      input: trap,
    });
    expect(error.detail).toEqual([{ in: "body", path: "/x/y", message: "m" }]);
  });
});

describe("S-VAL-1: keys the client sent", () => {
  const secretKey = "k3y-0f-s3cr3ts";

  it("S-VAL-1: a key a strict schema refuses at the root is not quoted back (zod strictObject)", async () => {
    const failure = await failureOf(
      validate(z.strictObject({ a: z.number() }), { a: 1, [secretKey]: 1 }),
    );
    expect(failure.detail).toEqual([{ in: "body", path: "", message: 'Unrecognized key: "…"' }]);
  });

  it("S-VAL-1 (documented limit): where a validator puts the refused key in the path, the path names it", async () => {
    const failure = await failureOf(
      validate(v.strictObject({ a: v.number() }), { a: 1, [secretKey]: 1 }),
    );
    expect(failure.detail.map((each) => each.path)).toEqual([`/${secretKey}`]);
  });
});
