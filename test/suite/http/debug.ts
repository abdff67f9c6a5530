import assert from "node:assert/strict";
import { App } from "../../../src/app.ts";
import { Config } from "../../../src/config.ts";
import { HTTPException } from "../../../src/exceptions.ts";
import { PlainTextResponse } from "../../../src/responses.ts";
import { Route } from "../../../src/routing/route.ts";
import type { SuiteApi } from "../api.ts";
import { handlerSpy, quietClient, reportSpy } from "./support.ts";

// Named functions, so their frames can be found on the traceback page.
function explodeInner(): never {
  throw new TypeError("inner explosion");
}
function explodeOuter(): never {
  explodeInner();
}
const withCause = () => {
  throw new Error("outer failure", { cause: new RangeError("the root cause") });
};
const hostile = () => {
  const error = new Error("<script>alert('message')</script>");
  error.stack =
    "Error: <script>alert('message')</script>\n" +
    "    at <script>fn()</script> (/srv/<script>file</script>.js:1:2)\n" +
    '    at "quoted" & more (/srv/a.js:3:4)';
  throw error;
};
const notFound = () => {
  throw new HTTPException(404, "handled as usual");
};

const ROUTES = [
  new Route("/explode", () => explodeOuter()),
  new Route("/cause", withCause),
  new Route("/hostile", hostile),
  new Route("/missing", notFound),
];

/** A debug app, built inside a test: building one turns stack capture on for the process. */
function debugApp() {
  const spy = reportSpy();
  const errorHandler = handlerSpy(() => new PlainTextResponse("Error handler", { status: 500 }));
  const app = new App({
    routes: ROUTES,
    debug: true,
    exceptionHandlers: [[Error, errorHandler.handler]],
    onError: spy.onError,
  });
  return { client: quietClient(app), spy, errorHandler };
}

async function fetchPage(accept: string | undefined, path = "/explode") {
  const { client } = debugApp();
  const headers: Record<string, string> = accept === undefined ? {} : { accept };
  const response = await client.get(path, { headers });
  return { response, body: await response.text(), type: response.headers.get("content-type") };
}

const HTML_WINS = [
  "text/html",
  "TEXT/HTML",
  "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "text/html, text/plain;q=0.9",
  "text/plain;q=0.5, text/*;q=0.8",
];
const TEXT_WINS = [
  undefined,
  "*/*",
  "text/*",
  "text/html;q=0.5, text/plain",
  "text/html, text/plain",
  "text/html;q=0",
  "application/json",
];

export function debugSuite({ describe, it }: SuiteApi): void {
  describe("debug", () => {
    it("S-DBG-1: with debug on, an unhandled error gets a traceback, not the 500 handler", async () => {
      const { client, spy, errorHandler } = debugApp();
      const response = await client.get("/explode", { headers: { accept: "text/plain" } });
      assert.equal(response.status, 500);
      assert.match(await response.text(), /TypeError: inner explosion/);
      assert.equal(errorHandler.calls.length, 0);
      assert.equal(spy.errors.length, 1, "still reported, once");
    });

    it("S-DBG-1: with debug on, handled exceptions are answered as usual", async () => {
      const { client, spy } = debugApp();
      const response = await client.get("/missing");
      assert.equal(response.status, 404);
      assert.equal(await response.text(), "handled as usual");
      assert.deepEqual(spy.errors, []);
    });

    it("S-EXC-6: once an app debugs, HTTPExceptions capture their stack again", () => {
      debugApp();
      const stack = String(new HTTPException(404).stack);
      assert.match(stack, /\n\s+at /);
      // Headed by the exception itself on every engine (JSC wrote a bare "Error").
      assert.match(stack, /^HTTPException: 404: Not Found\n/);
    });

    for (const accept of HTML_WINS) {
      it(`S-DBG-2: Accept ${JSON.stringify(accept)} gets the HTML traceback`, async () => {
        const { type, body } = await fetchPage(accept);
        assert.match(String(type), /^text\/html/);
        assert.match(body, /^<!doctype html>/i);
      });
    }

    for (const accept of TEXT_WINS) {
      it(`S-DBG-2: Accept ${JSON.stringify(accept ?? "(none)")} gets the plain-text traceback`, async () => {
        const { type, body } = await fetchPage(accept);
        assert.match(String(type), /^text\/plain/);
        assert.doesNotMatch(body, /<html/i);
        assert.match(body, /TypeError: inner explosion/);
      });
    }

    it("S-DBG-3: the text page shows class, message and frames, innermost first", async () => {
      const { body } = await fetchPage("text/plain");
      assert.match(body, /^TypeError: inner explosion/);
      const inner = body.indexOf("explodeInner");
      const outer = body.indexOf("explodeOuter");
      assert.ok(inner > 0 && outer > inner, "explodeInner's frame comes before explodeOuter's");
      // file:line:column of this very file
      assert.match(body, /at explodeInner \(.*debug\.ts:\d+:\d+\)/);
    });

    it("S-DBG-3: the HTML page shows class, message and frames, innermost first", async () => {
      const { body } = await fetchPage("text/html");
      assert.match(body, /<h2>TypeError<\/h2>/);
      assert.match(body, /inner explosion/);
      const inner = body.indexOf("explodeInner");
      const outer = body.indexOf("explodeOuter");
      assert.ok(inner > 0 && outer > inner, "explodeInner's frame comes before explodeOuter's");
      assert.match(body, /debug\.ts:\d+:\d+/);
    });

    it("S-DBG-3: both pages show the cause chain", async () => {
      const text = (await fetchPage("text/plain", "/cause")).body;
      assert.match(text, /^Error: outer failure/);
      assert.match(text, /Caused by: RangeError: the root cause/);
      assert.ok(text.indexOf("outer failure") < text.indexOf("the root cause"));
      const html = (await fetchPage("text/html", "/cause")).body;
      assert.match(html, /Caused by/);
      assert.match(html, /<h2>RangeError<\/h2>/);
      assert.match(html, /the root cause/);
    });

    it("S-DBG-4: the HTML page escapes the message, function names and file names", async () => {
      const { response, body } = await fetchPage("text/html", "/hostile");
      assert.match(String(response.headers.get("content-type")), /^text\/html/);
      assert.doesNotMatch(body, /<script/i);
      assert.match(body, /&lt;script&gt;alert\(&#39;message&#39;\)&lt;\/script&gt;/);
      assert.match(body, /&lt;script&gt;fn\(\)&lt;\/script&gt;/);
      assert.match(body, /\/srv\/&lt;script&gt;file&lt;\/script&gt;\.js/);
      assert.match(body, /&quot;quoted&quot; &amp; more/);
    });

    it("S-DBG-5: debug is off by default: no traceback, the safe 500", async () => {
      const spy = reportSpy();
      const app = new App({ routes: ROUTES, onError: spy.onError });
      const client = quietClient(app);
      for (const accept of ["text/html", "text/plain"]) {
        const response = await client.get("/explode", { headers: { accept } });
        assert.equal(response.status, 500);
        assert.equal(await response.text(), "Internal Server Error");
      }
      assert.equal(spy.errors.length, 2);
    });

    it("S-DBG-5: debug from the environment goes through Config's strict boolean cast", async () => {
      const debugFrom = (env: Record<string, unknown>) =>
        new Config(env).get("DEBUG", { cast: Boolean, default: false });
      assert.equal(debugFrom({ DEBUG: "true" }), true);
      assert.equal(debugFrom({ DEBUG: "1" }), true);
      assert.equal(debugFrom({ DEBUG: "False" }), false);
      assert.equal(debugFrom({ DEBUG: "0" }), false);
      assert.equal(debugFrom({}), false);
      // A lax cast would read "no" as true and leak tracebacks; the strict one refuses it.
      assert.throws(() => debugFrom({ DEBUG: "no" }), { name: "TypeError", message: /boolean/ });
      assert.throws(() => debugFrom({ DEBUG: "" }), TypeError);
      const env = { DEBUG: "false" };
      const off = new App({ routes: ROUTES, debug: debugFrom(env), onError: reportSpy().onError });
      assert.equal(await (await quietClient(off).get("/explode")).text(), "Internal Server Error");
      const on = new App({
        routes: ROUTES,
        debug: debugFrom({ DEBUG: "TRUE" }),
        onError: reportSpy().onError,
      });
      assert.match(await (await quietClient(on).get("/explode")).text(), /inner explosion/);
    });
  });
}
