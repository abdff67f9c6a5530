import { describe, expect, it } from "vitest";
import { App } from "../../src/app.ts";
import { describeError, parseStack } from "../../src/debug/stack.ts";
import { renderTracebackHtml, renderTracebackText } from "../../src/debug/traceback.ts";

function throwFromNamedFunction(): never {
  throw new RangeError("real stack");
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected fn to throw");
}

describe("whole stacks, causes and aggregated errors", () => {
  function recurse(depth: number): never {
    if (depth === 0) throw new Error("deep");
    return recurse(depth - 1);
  }

  it("S-DBG-3: an app without debug leaves the engine's frame limit alone; with debug, a 60-deep stack is whole", () => {
    const engine = Error as { stackTraceLimit: number };
    const before = engine.stackTraceLimit;
    try {
      engine.stackTraceLimit = 10;
      new App({ routes: [] });
      expect(engine.stackTraceLimit).toBe(10);
      new App({ routes: [], debug: true });
      expect(engine.stackTraceLimit).toBeGreaterThanOrEqual(200);
      const { chain } = describeError(catchError(() => recurse(60)));
      const frames = chain[0]?.frames.filter((frame) => typeof frame === "object");
      expect(frames?.filter((frame) => frame.functionName === "recurse").length).toBe(61);
    } finally {
      engine.stackTraceLimit = before;
    }
  });

  it("S-DBG-3: an AggregateError's errors are shown each with their own frames, then its cause, in both formats", () => {
    const first = catchError(throwFromNamedFunction);
    const second = new TypeError("second");
    const error = new AggregateError([first, second], "all failed", {
      cause: new Error("the cause"),
    });
    const sections = describeError(error).chain;
    expect(sections.map((section) => [section.relation, section.message])).toEqual([
      ["", "all failed"],
      ["Error 1 of 2 in AggregateError", "real stack"],
      ["Error 2 of 2 in AggregateError", "second"],
      ["Caused by", "the cause"],
    ]);
    expect(sections.every((section) => section.frames.length > 0)).toBe(true);
    const text = renderTracebackText(error);
    expect(text).toContain(
      "\n\nError 1 of 2 in AggregateError: RangeError: real stack\n    at throwFromNamedFunction (",
    );
    expect(text).toContain("\n\nCaused by: Error: the cause\n    at ");
    const html = renderTracebackHtml(error);
    expect(html).toContain('<p class="caused-by">Error 2 of 2 in AggregateError</p>');
    expect(html.indexOf("all failed")).toBeLessThan(html.indexOf("the cause"));
  });

  it("S-DBG-3: an AggregateError of 30 errors shows 10 of them and says so", () => {
    const errors = Array.from({ length: 30 }, (_, index) => new Error(`failure ${index}`));
    const { chain, note } = describeError(new AggregateError(errors, "many"));
    expect(chain.map((section) => section.relation).slice(1, 3)).toEqual([
      "Error 1 of 30 in AggregateError",
      "Error 2 of 30 in AggregateError",
    ]);
    expect(chain).toHaveLength(11);
    expect(note).toMatch(/first 10 causes/);
  });

  it("S-DBG-3: an anonymous async frame (`at async file:line:col`) names its file, not `async file`", () => {
    expect(parseStack("Error: x\n    at async file:///app/a.js:1:2", "Error: x")).toEqual([
      { functionName: "", file: "file:///app/a.js", line: 1, column: 2 },
    ]);
  });
});
