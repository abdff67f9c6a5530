import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { UrlCheck } from "../../src/server/url-check.ts";

// What servers build from a `Host` header and a target, good and bad, in an order
// that puts each after an origin it shares a prefix with.
const URLS = [
  "http://127.0.0.1:8000/users/42",
  "http://127.0.0.1:8000/a b/%zz?q=<>#frag",
  "http://127.0.0.1:8000",
  "http://127.0.0.1:8000?x",
  "http://127.0.0.1:8000#x",
  "http://127.0.0.1:8000\\x",
  "http://127.0.0.1:80000/",
  "http://127.0.0.1:8000x/",
  "http://127.0.0.1:8000@other/",
  "http://127.0.0.1:8000 /",
  "http://127.0.0.1.5:8000/",
  "http://999.0.0.1/",
  "http://a b/",
  "http://a%zz/",
  "http://[::1]:8000/x",
  "http://[::1/",
  "http://a^b/",
  "http://ex\tample.org/",
  "https://example.org/path",
  "https://example.org:65536/path",
  "http:/example.org/",
  "x",
  "",
];

describe("UrlCheck: the URLs a server builds", () => {
  it("S-BAD-3: answers as URL.canParse does, whatever origin it remembered last", () => {
    for (const remembered of URLS) {
      for (const url of URLS) {
        const check = new UrlCheck();
        check.parses(remembered);
        assert.equal(check.parses(url), URL.canParse(url), `${url} after ${remembered}`);
      }
    }
  });

  it("S-BAD-3: a bad host after a good one is still refused, and the good one still parses", () => {
    const check = new UrlCheck();
    assert.equal(check.parses("http://127.0.0.1:8000/"), true);
    assert.equal(check.parses("http://127.0.0.1:80000/"), false);
    assert.equal(check.parses("http://127.0.0.1:8000/again"), true);
  });
});
