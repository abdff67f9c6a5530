import { describe, expect, it } from "vitest";
import { SOURCE_READER, type SourceReader } from "../../src/debug/source-reader.ts";
import {
  renderTracebackHtml,
  renderTracebackText,
  tracebackResponse,
} from "../../src/debug/traceback.ts";
import { escapeHtml } from "../../src/html.ts";

// What an attacker controls ends up on the page: the error message (often
// built from input), function and file names (eval'd code names its file with
// `//# sourceURL=`), source lines, and the whole request. None of it may turn
// into markup, in either format.

const PAYLOADS = [
  "<script>alert(1)</script>",
  `"><img src=x onerror=alert(1)>`,
  "'><svg onload=alert(1)>",
  "</code></pre></details></li></ol><script>alert(1)</script>",
  "<style>body{display:none}</style>",
  "<!-- <iframe srcdoc='<script>alert(1)</script>'>",
  "&lt;already escaped&gt; &amp;",
  "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
];

// The tags the template itself writes; anything else came from error text.
const TEMPLATE_TAGS = new Set(
  (
    "!doctype html head meta title style body header h1 main section p h2 h3 pre ol li code " +
    "details summary span mark table tr th td"
  ).split(" "),
);

function tagsIn(html: string): string[] {
  return [...html.matchAll(/<\/?([!a-z0-9-]+)/gi)].map((match) => (match[1] ?? "").toLowerCase());
}

function throwFrom(name: string): unknown {
  const thrower = () => {
    throw new Error("named");
  };
  Object.defineProperty(thrower, "name", { value: name });
  try {
    thrower();
  } catch (error) {
    return error;
  }
}

function throwFromFile(file: string): unknown {
  try {
    // Code built at run time names its file with `//# sourceURL=`, as bundlers' dev servers do.
    new Function(`throw new Error("evaluated");\n//# sourceURL=${file}`)();
  } catch (error) {
    return error;
  }
}

/** A reader whose every file is `line` in the middle of harmless ones. */
function readerOf(line: string): SourceReader {
  return { root: "/app", readText: () => `const a = 1;\n${line}\nconst b = 2;\n` };
}

function hostileRequest(payload: string): Request {
  const url = new URL("http://testserver/search");
  url.searchParams.set("q", payload);
  return new Request(url, { headers: { "x-note": encodeURIComponent(payload) } });
}

type Case = [where: string, error: unknown, request: Request, ctx: unknown, shown: string];

/** Every place a payload can enter, and what of it the page must show. */
function cases(payload: string): Case[] {
  const plain = new Request("http://testserver/");
  const sourced = new Error("from a source line");
  sourced.stack = "Error: from a source line\n    at handler (/app/src/x.ts:2:1)";
  // V8 ends a sourceURL at the first space.
  const file = `/app/${payload}.js`.split(/\s/)[0] as string;
  const ctx = { executionCtx: { [SOURCE_READER]: readerOf(payload) } };
  return [
    ["message", new Error(payload), plain, undefined, payload],
    ["function name", throwFrom(payload), plain, undefined, payload],
    ["file name (//# sourceURL=)", throwFromFile(file), plain, undefined, file],
    ["source line", sourced, plain, ctx, payload],
    ["query", new Error("q"), hostileRequest(payload), undefined, payload],
    [
      "route and params",
      new Error("r"),
      plain,
      { route: payload, params: { id: payload } },
      payload,
    ],
    ["request id", new Error("i"), plain, { requestId: payload }, payload],
  ];
}

describe("S-DBG-4: hostile text in every field", () => {
  for (const payload of PAYLOADS) {
    for (const [where, error, request, ctx, shown] of cases(payload)) {
      it(`S-DBG-4: ${JSON.stringify(payload)} in the ${where} is escaped in HTML and verbatim in text`, () => {
        const html = renderTracebackHtml(error, request, ctx);
        expect(tagsIn(html).filter((tag) => !TEMPLATE_TAGS.has(tag))).toEqual([]);
        expect(html).toContain(escapeHtml(shown));
        const text = renderTracebackText(error, request, ctx);
        expect(text).toContain(shown);
      });
    }
  }

  it("S-DBG-4: the text format is served as text/plain with nosniff, so a browser never renders it", async () => {
    const response = tracebackResponse(new Request("http://testserver/"), new Error(PAYLOADS[0]));
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await response.text()).toContain(PAYLOADS[0]);
  });
});

describe("S-DBG-6: the Content-Security-Policy", () => {
  const browser = new Request("http://testserver/", { headers: { accept: "text/html" } });

  it("S-DBG-6: allows nothing but the page's own inline style, by its SHA-256 hash", async () => {
    const response = tracebackResponse(browser, new Error("boom"));
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toMatch(/(^|; )default-src 'none'(;|$)/);
    expect(policy).toMatch(/(^|; )base-uri 'none'(;|$)/);
    expect(policy).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|script-src|\*/);
    const html = await response.text();
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1] ?? "");
    expect(styles).toHaveLength(1);
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(styles[0]));
    const hash = btoa(String.fromCharCode(...new Uint8Array(digest)));
    expect(policy, "update PAGE_STYLE_HASH in src/debug/page.ts").toContain(
      `style-src 'sha256-${hash}'`,
    );
  });

  it("S-DBG-6: the page needs no script and no style attribute, which the policy would block", async () => {
    const html = await tracebackResponse(browser, new Error("boom")).text();
    expect(tagsIn(html)).not.toContain("script");
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=|\ssrc=|\shref=/i);
  });

  it("S-DBG-6: the page is never cached: it holds the request", () => {
    expect(tracebackResponse(browser, new Error("boom")).headers.get("cache-control")).toBe(
      "no-store",
    );
  });
});
