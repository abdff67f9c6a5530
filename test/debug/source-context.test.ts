import { describe, expect, it } from "vitest";
import { createSourceReader, SOURCE_READER } from "../../src/debug/source-reader.ts";
import { renderTracebackText } from "../../src/debug/traceback.ts";

// A debug page must render whatever the files say: a source map that is not
// one, a reader that throws, a line past the end of the file.

const COMPILED = 'const a = 1;\nthrow new Error("compiled");\n';

function pageFor(files: Record<string, string>, read = (path: string) => files[path] as string) {
  const error = new Error("boom");
  error.stack = "Error: boom\n    at handler (/app/dist/x.js:2:7)";
  const reader = createSourceReader("/app", read);
  return renderTracebackText(error, undefined, { executionCtx: { [SOURCE_READER]: reader } });
}

describe("source context from files that do not cooperate", () => {
  const unusableMaps = {
    "an inline map that is not base64": "data:application/json;base64,!!!",
    "a map file that is not JSON": "x.js.map",
    "a map whose mappings are not VLQ": "broken.js.map",
    "a map file that does not exist": "missing.js.map",
  };
  for (const [label, url] of Object.entries(unusableMaps)) {
    it(`S-DBG-6: ${label} leaves the compiled file's own lines`, () => {
      const text = pageFor({
        "/app/dist/x.js": `${COMPILED}//# sourceMappingURL=${url}\n`,
        "/app/dist/x.js.map": "{ not json",
        "/app/dist/broken.js.map": JSON.stringify({
          version: 3,
          sources: ["a.ts"],
          mappings: "@@",
        }),
      });
      expect(text).toContain("    at handler (dist/x.js:2:7)\n");
      expect(text).toContain('      > 2 | throw new Error("compiled");\n');
    });
  }

  it("S-DBG-6: a reader that throws gives frames without source, never a failed page", () => {
    const text = pageFor({}, () => {
      throw new Error("EACCES");
    });
    expect(text).toBe("Error: boom\n    at handler (dist/x.js:2:7)\n");
  });

  it("S-DBG-6: a line past the end of the file shows the frame alone", () => {
    const error = new Error("boom");
    error.stack = "Error: boom\n    at handler (/app/dist/x.js:99:1)";
    const reader = createSourceReader("/app", () => COMPILED);
    const text = renderTracebackText(error, undefined, {
      executionCtx: { [SOURCE_READER]: reader },
    });
    expect(text).toBe("Error: boom\n    at handler (dist/x.js:99:1)\n");
  });
});
