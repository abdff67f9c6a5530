import { describe, expect, it } from "vitest";
import { renderTracebackHtml, renderTracebackText } from "../../src/debug/traceback.ts";

// A debug page gets screenshotted and pasted into issues: credentials in the
// request must not travel with it, in either format.

const SECRETS = {
  authorization: "Bearer sk-live-authorization",
  cookie: "session=cookie-secret",
  "set-cookie": "id=set-cookie-secret",
  "proxy-authorization": "Basic proxy-secret",
  "x-api-key": "api-key-secret",
  "x-auth-token": "auth-token-secret",
  "x-client-secret": "client-secret-value",
  "x-db-password": "password-secret",
};
const QUERY_SECRETS = {
  access_token: "query-token-secret",
  password: "query-password-secret",
  apiKey: "query-key-secret",
};

function request(): Request {
  const url = new URL("https://example.com/orders/7");
  for (const [name, value] of Object.entries(QUERY_SECRETS)) url.searchParams.set(name, value);
  url.searchParams.set("page", "2");
  return new Request(url, { headers: { ...SECRETS, accept: "text/html", "x-trace": "visible" } });
}

const ctx = {
  route: "/orders/{id:int}",
  params: { id: 7, signingKey: "param-secret" },
  requestId: "req-1234",
};
const error = new Error("failed");
const formats = {
  html: () => renderTracebackHtml(error, request(), ctx),
  text: () => renderTracebackText(error, request(), ctx),
};

describe("the request on the debug page", () => {
  for (const [format, render] of Object.entries(formats)) {
    it(`S-DBG-6: no header, query or param secret appears in ${format}`, () => {
      const page = render();
      const secrets = [...Object.values(SECRETS), ...Object.values(QUERY_SECRETS), "param-secret"];
      for (const secret of secrets) expect(page, secret).not.toContain(secret);
      expect(page).toContain("[redacted]");
    });

    it(`S-DBG-6: method, URL, route, params, query, ordinary headers and the request id are shown in ${format}`, () => {
      const page = render();
      for (const shown of [
        "GET",
        "example.com/orders/7",
        "/orders/{id:int}",
        "req-1234",
        "visible",
      ]) {
        expect(page, shown).toContain(shown);
      }
      expect(page).toMatch(/page(<\/th><td>|: )2/);
      expect(page).toMatch(/id(<\/th><td>|: )7/);
    });
  }

  it("S-DBG-6: each secret header is named, its value replaced, in text", () => {
    const text = formats.text();
    for (const name of Object.keys(SECRETS)) expect(text).toContain(`    ${name}: [redacted]\n`);
    expect(text).toContain("    x-trace: visible\n");
    expect(text).toContain("  route: /orders/{id:int}\n  request id: req-1234\n");
  });

  it("S-DBG-6: a context whose getters throw, or that is not an object, still renders the request", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
      },
    );
    for (const odd of [hostile, null, 42, { route: 5, params: "x", requestId: {} }]) {
      const text = renderTracebackText(error, request(), odd);
      expect(text).toContain("Request: GET https://");
      expect(text).not.toContain("  route:");
    }
  });
});
