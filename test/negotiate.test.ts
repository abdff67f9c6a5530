import { describe, expect, it } from "vitest";
import { negotiate, parseAccept, prefersHtml, qualityOf } from "../src/negotiate.ts";

const BROWSER =
  "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const PROBLEM_OFFERS = ["application/problem+json", "application/json", "text/html", "text/plain"];

describe("parseAccept", () => {
  it("S-DBG-2: a missing or blank header means */*", () => {
    const any = [{ type: "*", subtype: "*", q: 1 }];
    expect(parseAccept(null)).toEqual(any);
    expect(parseAccept(undefined)).toEqual(any);
    expect(parseAccept("  ")).toEqual(any);
  });

  it("S-DBG-2: ranges are lower-cased, trimmed and keep header order", () => {
    expect(parseAccept(" Text/HTML ; Q=0.5 ,APPLICATION/Json")).toEqual([
      { type: "text", subtype: "html", q: 0.5 },
      { type: "application", subtype: "json", q: 1 },
    ]);
  });

  it("S-DBG-2: parameters other than q are ignored, and only the first q counts", () => {
    expect(parseAccept("text/html;level=1;q=0.3;q=0.9;foo=bar")).toEqual([
      { type: "text", subtype: "html", q: 0.3 },
    ]);
  });

  it("S-DBG-2: q is clamped to 0..1 and an unreadable q counts as 0", () => {
    const qs = parseAccept("a/b;q=2, c/d;q=-1, e/f;q=abc, g/h;q=, i/j;q=.5").map((r) => r.q);
    expect(qs).toEqual([1, 0, 0, 0, 0.5]);
  });

  it("S-DBG-2: malformed ranges are skipped; a lone * is */*", () => {
    expect(parseAccept("text, */html, , text/html, *; q=.2")).toEqual([
      { type: "text", subtype: "html", q: 1 },
      { type: "*", subtype: "*", q: 0.2 },
    ]);
  });

  it("S-DBG-2: a header with no readable entry is treated as missing", () => {
    expect(parseAccept("garbage")).toEqual([{ type: "*", subtype: "*", q: 1 }]);
  });
});

describe("qualityOf", () => {
  it("S-DBG-2: the most specific range wins, whatever its q (RFC 9110 §12.5.1)", () => {
    const accepts = parseAccept("*/*;q=0.1, text/*;q=0.5, text/html;q=0.7");
    expect(qualityOf(accepts, "text/html")).toBe(0.7);
    expect(qualityOf(accepts, "text/plain")).toBe(0.5);
    expect(qualityOf(accepts, "image/png")).toBe(0.1);
  });

  it("S-DBG-2: an exact q=0 excludes a type that a wildcard would allow", () => {
    const accepts = parseAccept("text/html;q=0, */*");
    expect(qualityOf(accepts, "text/html")).toBe(0);
    expect(qualityOf(accepts, "text/plain")).toBe(1);
  });

  it("S-DBG-2: no matching range gives 0", () => {
    expect(qualityOf(parseAccept("application/json"), "text/html")).toBe(0);
  });

  it("S-DBG-2: the media type is matched case-insensitively and without its parameters", () => {
    const accepts = parseAccept("text/html;q=0.4");
    expect(qualityOf(accepts, "TEXT/Html; charset=utf-8")).toBe(0.4);
  });

  it("S-DBG-2: among equally specific duplicates the highest q counts", () => {
    expect(qualityOf(parseAccept("text/html;q=0.2, text/html;q=0.6"), "text/html")).toBe(0.6);
  });

  it("S-DBG-2: a malformed media type has quality 0", () => {
    expect(qualityOf(parseAccept("*/*"), "html")).toBe(0);
  });
});

describe("prefersHtml", () => {
  it("S-DBG-2: curl's */* gets plain text (a tie is not a preference)", () => {
    expect(prefersHtml("*/*")).toBe(false);
  });

  it("S-DBG-2: a missing header gets plain text", () => {
    expect(prefersHtml(null)).toBe(false);
  });

  it("S-DBG-2: a browser's Accept gets HTML", () => {
    expect(prefersHtml(BROWSER)).toBe(true);
  });

  it("S-DBG-2: text/html;q=0 never gets HTML, even when text/plain is also refused", () => {
    expect(prefersHtml("text/html;q=0, */*")).toBe(false);
    expect(prefersHtml("text/html;q=0, text/plain;q=0")).toBe(false);
  });

  it("S-DBG-2: HTML needs a strictly higher q than text/plain", () => {
    expect(prefersHtml("text/html;q=0.5, text/plain;q=0.5")).toBe(false);
    expect(prefersHtml("text/html;q=0.5, text/plain;q=0.4")).toBe(true);
    expect(prefersHtml("text/plain, text/html;q=0.9")).toBe(false);
  });

  it("S-DBG-2: wildcards count: text/* ties, text/html beside */* wins", () => {
    expect(prefersHtml("text/*")).toBe(false);
    expect(prefersHtml("text/html, */*;q=0.1")).toBe(true);
    expect(prefersHtml("application/json")).toBe(false);
  });

  it("S-DBG-2: matching is case-insensitive (Starlette: literal substring)", () => {
    expect(prefersHtml("TEXT/HTML")).toBe(true);
    expect(prefersHtml("application/xhtml+xml")).toBe(false);
  });
});

describe("negotiate", () => {
  it("S-RES-7: the offer with the highest q wins", () => {
    expect(negotiate("application/json;q=0.5, text/plain", PROBLEM_OFFERS)).toBe("text/plain");
    expect(negotiate("application/json", PROBLEM_OFFERS)).toBe("application/json");
  });

  it("S-RES-7: ties go to the earlier offer", () => {
    expect(negotiate("*/*", PROBLEM_OFFERS)).toBe("application/problem+json");
    expect(negotiate(null, ["text/plain", "text/html"])).toBe("text/plain");
    expect(negotiate("text/html, text/plain", ["text/plain", "text/html"])).toBe("text/plain");
  });

  it("S-RES-7: a browser gets HTML among problem formats", () => {
    expect(negotiate(BROWSER, PROBLEM_OFFERS)).toBe("text/html");
  });

  it("S-RES-7: undefined when every offer has q 0", () => {
    expect(negotiate("image/png", PROBLEM_OFFERS)).toBeUndefined();
    expect(negotiate("application/*;q=0, text/*;q=0", PROBLEM_OFFERS)).toBeUndefined();
    expect(negotiate("*/*", [])).toBeUndefined();
  });

  it("S-RES-7: the offer is returned as given, not normalised", () => {
    expect(negotiate("text/html", ["Text/HTML; charset=utf-8"])).toBe("Text/HTML; charset=utf-8");
  });
});

/** A small seeded generator (mulberry32), so a failing fuzz case can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe("Accept parsing under attack", () => {
  it("S-DBG-2: a q-value of 200,000 digits then junk is unreadable (q=0), without backtracking", () => {
    // Before the one-pass scanner this header took minutes (quadratic regex backtracking).
    const header = `text/html;q=${"1".repeat(200_000)}x`;
    expect(parseAccept(header)).toEqual([{ type: "text", subtype: "html", q: 0 }]);
    expect(prefersHtml(header)).toBe(false);
  });

  it("S-DBG-2: only the first 4 KiB of the header are read", () => {
    const header = `text/plain;q=0.5,${" ".repeat(4096)},text/html`;
    expect(parseAccept(header)).toEqual([{ type: "text", subtype: "plain", q: 0.5 }]);
    expect(prefersHtml(header)).toBe(false);
  });

  it("S-DBG-2: q-values longer than 8 characters are unreadable; short decimals still parse", () => {
    const qs = parseAccept("a/b;q=0.500000000, c/d;q=+.5, e/f;q=1., g/h;q=1.2.3, i/j;q=5-").map(
      (r) => r.q,
    );
    expect(qs).toEqual([0, 0.5, 1, 0, 0]);
  });

  it("S-RES-7: 3,000 seeded random headers always give ranges with q in 0..1 and a valid choice", () => {
    const random = seeded(19);
    const pieces = [
      "text/html",
      "*/*",
      "*",
      ";q=",
      "0.",
      "1",
      "1".repeat(500),
      ",",
      " ",
      "x",
      ";",
      "=",
    ];
    for (let i = 0; i < 3000; i++) {
      let header = "";
      while (random() < 0.9) header += pieces[Math.floor(random() * pieces.length)];
      const ranges = parseAccept(header);
      expect(ranges.length).toBeGreaterThan(0);
      for (const range of ranges) expect(range.q >= 0 && range.q <= 1).toBe(true);
      const choice = negotiate(header, PROBLEM_OFFERS);
      expect(choice === undefined || PROBLEM_OFFERS.includes(choice)).toBe(true);
    }
  });
});
