import { describe, expect, it } from "vitest";
import { describeError, parseStack } from "../../src/debug/stack.ts";
import {
  renderTracebackHtml,
  renderTracebackText,
  tracebackResponse,
} from "../../src/debug/traceback.ts";

const V8_STACK = `TypeError: Cannot read properties of undefined (reading 'id')
    at loadUser (file:///app/src/users.ts:12:18)
    at async Router.dispatch (/app/node_modules/@scope/router/index.js:40:7)
    at new Session (/app/src/session.ts:3:9)
    at /app/src/anon.ts:5:1
    at Array.map (<anonymous>)
    at eval (eval at run (/app/x.js:1:1), <anonymous>:1:1)
    at node:internal/process/task_queues:95:5
    -- this line is not a frame --`;

const JSC_STACK = `loadUser@http://localhost:8787/src/users.ts:12:18
@http://localhost:8787/node_modules/@scope/router/index.js:40:7
global code@http://localhost:8787/index.js:1:1
map@[native code]`;

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

function errorWithStack(message: string, stack: string): Error {
  const error = new TypeError(message);
  error.stack = stack;
  return error;
}

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

// The tags the page template itself writes; anything else came from error text.
const TEMPLATE_TAGS = new Set(
  (
    "!doctype html head meta title style body header h1 main section p h2 h3 pre ol li code " +
    "details summary span mark table tr th td"
  ).split(" "),
);

function tagsIn(html: string): string[] {
  return [...html.matchAll(/<\/?([!a-z0-9-]+)/gi)].map((match) => (match[1] ?? "").toLowerCase());
}

describe("parseStack", () => {
  it("S-DBG-3: V8 frames give function, file, line and column, header skipped", () => {
    const frames = parseStack(
      V8_STACK,
      "TypeError: Cannot read properties of undefined (reading 'id')",
    );
    expect(frames).toEqual([
      { functionName: "loadUser", file: "file:///app/src/users.ts", line: 12, column: 18 },
      {
        functionName: "async Router.dispatch",
        file: "/app/node_modules/@scope/router/index.js",
        line: 40,
        column: 7,
      },
      { functionName: "new Session", file: "/app/src/session.ts", line: 3, column: 9 },
      { functionName: "", file: "/app/src/anon.ts", line: 5, column: 1 },
      { functionName: "Array.map", file: "<anonymous>" },
      {
        functionName: "eval",
        file: "eval at run (/app/x.js:1:1), <anonymous>",
        line: 1,
        column: 1,
      },
      { functionName: "", file: "node:internal/process/task_queues", line: 95, column: 5 },
      "-- this line is not a frame --",
    ]);
  });

  it("S-DBG-3: JSC frames (fn@file:line:col) parse the same way", () => {
    expect(parseStack(JSC_STACK)).toEqual([
      {
        functionName: "loadUser",
        file: "http://localhost:8787/src/users.ts",
        line: 12,
        column: 18,
      },
      {
        functionName: "",
        file: "http://localhost:8787/node_modules/@scope/router/index.js",
        line: 40,
        column: 7,
      },
      { functionName: "global code", file: "http://localhost:8787/index.js", line: 1, column: 1 },
      { functionName: "map", file: "[native code]" },
    ]);
  });

  it("S-DBG-3: header lines are skipped even without knowing the header", () => {
    const frames = parseStack("Error: first line\nsecond line\n    at f (a.js:1:2)");
    expect(frames).toEqual([{ functionName: "f", file: "a.js", line: 1, column: 2 }]);
  });

  it("S-DBG-3: a message line that looks like a frame is cut off with the known header", () => {
    const header = "Error: oops\n    at fake (evil.js:9:9)";
    const frames = parseStack(`${header}\n    at real (good.js:1:2)`, header);
    expect(frames).toEqual([{ functionName: "real", file: "good.js", line: 1, column: 2 }]);
  });

  it("S-DBG-3: a stack with no frame keeps its lines as raw text after a known header", () => {
    expect(parseStack("Error: x\nsomething odd", "Error: x")).toEqual(["something odd"]);
    expect(parseStack("Error: x", "Error: x")).toEqual([]);
  });
});

describe("describeError", () => {
  it("S-DBG-3: a real V8 stack lists the throwing function first", () => {
    const [top] = describeError(catchError(throwFromNamedFunction)).chain;
    expect(top?.className).toBe("RangeError");
    expect(top?.message).toBe("real stack");
    const first = top?.frames[0];
    expect(typeof first === "object" && first.functionName).toBe("throwFromNamedFunction");
    expect(typeof first === "object" && first.file).toMatch(/traceback\.test\.ts$/);
  });

  it("S-DBG-3: the class is the constructor's name, with `name` when it differs", () => {
    class QuotaError extends Error {}
    class ParseError extends TypeError {}
    class NamedError extends Error {
      override name = "ValidationError";
    }
    expect(describeError(new QuotaError("q")).chain[0]?.className).toBe("QuotaError");
    expect(describeError(new ParseError("p")).chain[0]?.className).toBe("ParseError");
    expect(describeError(new NamedError("n")).chain[0]?.className).toBe(
      "NamedError (ValidationError)",
    );
    const abort = new DOMException("stopped", "AbortError");
    expect(describeError(abort).chain[0]?.className).toBe("DOMException (AbortError)");
  });

  it("S-DBG-3: a cause chain that loops stops with a note", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    a.cause = b;
    const { chain, note } = describeError(a);
    expect(chain.map((e) => e.message)).toEqual(["a", "b"]);
    expect(note).toMatch(/loops/);

    const self = new Error("self");
    self.cause = self;
    expect(describeError(self).chain).toHaveLength(1);
  });

  it("S-DBG-3: a cause chain deeper than 10 is cut after 10 causes", () => {
    let error = new Error("cause 15");
    for (let i = 14; i >= 0; i--) error = new Error(`cause ${i}`, { cause: error });
    const { chain, note } = describeError(error);
    expect(chain).toHaveLength(11);
    expect(chain[10]?.message).toBe("cause 10");
    expect(note).toMatch(/first 10 causes/);
  });
});

describe("non-Error thrown values", () => {
  const circular: Record<string, unknown> = { id: 1 };
  circular.self = circular;
  const throwingGetter = {
    get boom(): never {
      throw new Error("getter");
    },
  };
  const throwingEverything = {
    get boom(): never {
      throw new Error("getter");
    },
    toString(): never {
      throw new Error("toString");
    },
  };
  const hostileProxy = new Proxy(
    {},
    {
      get() {
        throw new Error("get trap");
      },
      has() {
        throw new Error("has trap");
      },
      getPrototypeOf() {
        throw new Error("getPrototypeOf trap");
      },
    },
  );
  const cases: Array<[string, unknown, string, string]> = [
    ["a string", "boom", "string", "boom"],
    ["undefined", undefined, "undefined", "undefined"],
    ["null", null, "null", "null"],
    ["a number", 42, "number", "42"],
    ["a bigint", 42n, "bigint", "42"],
    ["a Symbol", Symbol("sym"), "symbol", "Symbol(sym)"],
    ["a function", function handler() {}, "function", "[function handler]"],
    [
      "a plain object",
      { code: "E1", n: 2n, s: Symbol("t") },
      "Object",
      '{"code":"E1","n":"2n","s":"Symbol(t)"}',
    ],
    ["a circular object", circular, "Object", '{"id":1,"self":"[Circular]"}'],
    ["a null-prototype object", Object.assign(Object.create(null), { x: 1 }), "object", '{"x":1}'],
    ["an object with a throwing getter", throwingGetter, "Object", "[object Object]"],
    ["an object whose getter and toString throw", throwingEverything, "Object", "[unprintable"],
    ["a Proxy whose traps throw", hostileProxy, "object", "[unprintable object]"],
  ];

  for (const [label, value, className, message] of cases) {
    it(`S-LAY-6: ${label} renders as class "${className}" in both formats`, () => {
      const [summary] = describeError(value).chain;
      expect(summary?.className).toBe(className);
      expect(summary?.message).toContain(message);
      expect(renderTracebackText(value)).toContain(className);
      expect(renderTracebackHtml(value)).toContain(`<h2>${className}</h2>`);
    });
  }

  it("S-LAY-6: an Error whose message and stack getters throw still renders", () => {
    const error = new Error("hidden");
    Object.defineProperty(error, "stack", {
      get() {
        throw new Error("stack getter");
      },
    });
    Object.defineProperty(error, "message", {
      get() {
        throw new Error("message getter");
      },
    });
    const text = renderTracebackText(error);
    expect(text).toMatch(/^Error: /);
    expect(renderTracebackHtml(error)).toContain("No stack trace.");
  });

  it("S-LAY-6: a huge value preview is truncated", () => {
    const [summary] = describeError({ big: "x".repeat(10_000) }).chain;
    expect(summary?.message.length).toBeLessThanOrEqual(2001);
    expect(summary?.message.endsWith("…")).toBe(true);
  });
});

describe("renderTracebackText", () => {
  it("S-DBG-3: shows class, message and frames innermost first", () => {
    const text = renderTracebackText(errorWithStack("Cannot read properties", V8_STACK));
    expect(text.startsWith("TypeError: Cannot read properties\n")).toBe(true);
    expect(text).toContain("    at loadUser (/app/src/users.ts:12:18)\n");
    expect(text).toContain(
      "    at async Router.dispatch (/app/node_modules/@scope/router/index.js:40:7) [dependency]\n",
    );
    expect(text).toContain("    at <anonymous> (/app/src/anon.ts:5:1)\n");
    expect(text.indexOf("loadUser")).toBeLessThan(text.indexOf("Router.dispatch"));
    expect(text).toContain("    at -- this line is not a frame --");
  });

  it("S-DBG-3: the cause chain is shown in both formats", () => {
    const root = errorWithStack("db down", JSC_STACK);
    const error = new Error("request failed", { cause: root });
    const text = renderTracebackText(error);
    expect(text).toContain("Error: request failed");
    expect(text).toContain("\n\nCaused by: TypeError: db down\n    at loadUser (http://localhost");
    const html = renderTracebackHtml(error);
    expect(html).toContain('<p class="caused-by">Caused by</p>');
    expect(html).toContain("<h2>TypeError</h2>");
    expect(html).toContain('<pre class="message">db down</pre>');
    expect(html.indexOf("request failed")).toBeLessThan(html.indexOf("db down"));
  });

  it("S-DBG-3: a cyclic cause is shown once, with a note, in both formats", () => {
    const a = new Error("a");
    a.cause = new Error("b", { cause: a });
    const text = renderTracebackText(a);
    expect(text.match(/Caused by/g)).toHaveLength(1);
    expect(text).toContain("\n\nThe cause chain loops: the next cause is already shown above.\n");
    expect(renderTracebackHtml(a)).toContain('<p class="note">The cause chain loops');
  });
});

describe("renderTracebackHtml", () => {
  it("S-DBG-3: shows function, file, line and column of each frame", () => {
    const html = renderTracebackHtml(errorWithStack("m", V8_STACK));
    expect(html).toContain('<code class="fn">loadUser</code>');
    expect(html).toContain('<code class="file">/app/src/users.ts:12:18</code>');
    expect(html).toContain('<code class="fn">&lt;anonymous&gt;</code>');
  });

  it("S-DBG-4: a <script> in the message is escaped", () => {
    const html = renderTracebackHtml(new Error(`<script>alert("x" & 'y')</script>`));
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
  });

  it("S-DBG-4: function names, file names, raw stack lines and class names are escaped", () => {
    const Evil = { "<img src=x onerror=alert(1)>": class extends Error {} }[
      "<img src=x onerror=alert(1)>"
    ];
    const error = new Evil("m");
    error.stack = [
      "Error: m",
      "    at <script>fn()</script> (/app/<script>.js:1:2)",
      "<b>raw</b>@<script>x</script>:3:4",
      "    <iframe src=javascript:alert(1)>",
    ].join("\n");
    const html = renderTracebackHtml(error);
    expect(tagsIn(html).filter((tag) => !TEMPLATE_TAGS.has(tag))).toEqual([]);
    expect(html).toContain("&lt;script&gt;fn()&lt;/script&gt;");
    expect(html).toContain("/app/&lt;script&gt;.js");
    expect(html).toContain("&lt;iframe src=javascript:alert(1)&gt;");
    expect(html).toContain("<h2>&lt;img src=x onerror=alert(1)&gt;</h2>");
  });

  it("S-DBG-4: the page has no scripts and no external assets", () => {
    const html = renderTracebackHtml(errorWithStack("m", V8_STACK));
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("<style>");
    expect(tagsIn(html)).not.toContain("script");
    expect(tagsIn(html)).not.toContain("link");
    expect(html).not.toMatch(/\ssrc=|\shref=|@import|url\(/);
  });
});

describe("tracebackResponse", () => {
  const request = (accept?: string) =>
    new Request("http://testserver/", accept ? { headers: { accept } } : {});

  it("S-DBG-2: a browser gets a 500 HTML page", async () => {
    const response = tracebackResponse(request(BROWSER_ACCEPT), new Error("boom"));
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toContain('<pre class="message">boom</pre>');
  });

  it("S-DBG-2: curl's */* gets plain text", async () => {
    const response = tracebackResponse(request("*/*"), new Error("boom"));
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await response.text()).toMatch(/^Error: boom\n/);
  });

  it("S-DBG-2: no Accept header gets plain text, never sniffed as HTML", async () => {
    const response = tracebackResponse(request(), "<b>thrown string</b>");
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await response.text()).toMatch(
      /^string: <b>thrown string<\/b>\n\nRequest: GET http:\/\/testserver\/\n/,
    );
  });

  it("S-DBG-2: text/html;q=0 gets plain text even from a browser-like header", async () => {
    const response = tracebackResponse(request("text/html;q=0, */*;q=0.8"), new Error("x"));
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });
});
