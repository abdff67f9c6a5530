import assert from "node:assert/strict";
import { inspect } from "node:util";
import { App } from "../../../src/app.ts";
import { ClientDisconnect, HTTPException, WebSocketException } from "../../../src/exceptions.ts";
import { Route } from "../../../src/routing/route.ts";
import type { SuiteApi } from "../api.ts";
import { quietClient, reportSpy } from "./support.ts";

const BRAND = Symbol.for("edgelette.exception");

class NotFound extends HTTPException {}
class Gone extends HTTPException {}

/**
 * What `HTTPException` looks like when it comes from a second copy of the
 * package: an unrelated class carrying the shared `Symbol.for` brand.
 */
class OtherCopyHTTPException extends Error {
  readonly statusCode: number;
  readonly detail: unknown;
  readonly headers: Headers | undefined = undefined;
  constructor(statusCode: number, detail: unknown) {
    super(`${statusCode}: ${String(detail)}`);
    this.statusCode = statusCode;
    this.detail = detail;
  }
}
Object.defineProperty(OtherCopyHTTPException, BRAND, { value: "HTTPException" });
Object.defineProperty(OtherCopyHTTPException.prototype, BRAND, { value: "HTTPException" });

const FRAME = /\n\s+at /;

export function exceptionsSuite({ describe, it }: SuiteApi): void {
  describe("exceptions", () => {
    // Runs first: any app built with `debug: true` turns stack capture on for the process.
    it("S-EXC-6: an HTTPException carries no stack frames when no app is debugging", () => {
      const exc = new HTTPException(404);
      assert.doesNotMatch(String(exc.stack ?? ""), FRAME);
      assert.doesNotMatch(String(new WebSocketException(4000).stack ?? ""), FRAME);
      // Ordinary errors keep theirs: only our handled exceptions skip the capture.
      assert.match(String(new Error("x").stack), FRAME);
    });

    it("S-EXC-6: skipping the Error constructor keeps what code checks an Error for", () => {
      const cause = new TypeError("root");
      const exc = new HTTPException(403, "no entry");
      assert.ok(exc instanceof Error);
      assert.equal(exc.name, "HTTPException");
      assert.equal(exc.message, "403: no entry");
      assert.equal(String(exc), "HTTPException: 403: no entry");
      assert.equal(Object.prototype.toString.call(exc), "[object Error]");
      assert.match(String(exc.stack), /^HTTPException: 403: no entry/);
      // `message` is not enumerable, as on a real Error, so it stays out of JSON.
      assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(exc))).sort(), [
        "detail",
        "name",
        "statusCode",
      ]);
      const disconnect = new ClientDisconnect("gone", { cause });
      assert.equal(disconnect.cause, cause);
      assert.equal(Object.keys(disconnect).includes("cause"), false);
      assert.equal("cause" in new ClientDisconnect(), false);
      // `message` reads as an Error's does, on instances and on the prototype, and is writable.
      assert.equal(HTTPException.prototype.message, "");
      exc.message = "changed";
      assert.equal(String(exc), "HTTPException: changed");
      exc.stack = "replaced";
      assert.equal(exc.stack, "replaced");
      assert.match(String(new HTTPException(404).stack), /^HTTPException: 404: Not Found/);
    });

    it("S-EXC-6: printed (console.log, util.inspect) as an error with its fields", () => {
      const text = inspect(new HTTPException(404));
      assert.match(text, /^HTTPException: 404: Not Found/);
      assert.match(text, /statusCode: 404/);
      assert.doesNotMatch(text, /Getter/);
      const withCause = inspect(new ClientDisconnect("gone", { cause: new Error("root") }));
      assert.match(withCause, /^ClientDisconnect: gone/);
      assert.match(withCause, /cause: Error: root/);
      assert.equal(inspect(new ClientDisconnect("gone")), "ClientDisconnect: gone");
    });

    it("S-EXC-1: without a detail, the detail is the RFC 9110 reason phrase", () => {
      assert.equal(new HTTPException(404).detail, "Not Found");
      assert.equal(new HTTPException(413).detail, "Content Too Large");
      assert.equal(new HTTPException(422).detail, "Unprocessable Content");
      assert.equal(new HTTPException(200).detail, "OK");
    });

    it("S-EXC-2: detail may be any JSON value and headers any HeadersInit", () => {
      const detail = { errors: [{ field: "name", problem: "missing" }] };
      assert.deepEqual(new HTTPException(422, detail).detail, detail);
      assert.deepEqual(new HTTPException(400, [1, 2]).detail, [1, 2]);
      assert.equal(new HTTPException(400, 7).detail, 7);
      assert.equal(new HTTPException(400, false).detail, false);
      const fromRecord = new HTTPException(401, undefined, { "WWW-Authenticate": "Bearer" });
      const fromPairs = new HTTPException(401, undefined, [["www-authenticate", "Bearer"]]);
      const fromHeaders = new HTTPException(401, undefined, new Headers({ "x-a": "1" }));
      assert.equal(fromRecord.headers?.get("www-authenticate"), "Bearer");
      assert.equal(fromPairs.headers?.get("www-authenticate"), "Bearer");
      assert.equal(fromHeaders.headers?.get("x-a"), "1");
      assert.equal(new HTTPException(404).headers, undefined);
    });

    it("S-EXC-2: message is '<status>: <detail>' and name is the runtime class name", () => {
      assert.equal(new HTTPException(404).message, "404: Not Found");
      assert.equal(new HTTPException(422, { a: 1 }).message, '422: {"a":1}');
      assert.equal(new HTTPException(404).name, "HTTPException");
      assert.equal(new NotFound(404).name, "NotFound");
      assert.equal(String(new NotFound(404)), "NotFound: 404: Not Found");
      assert.equal(new WebSocketException().name, "WebSocketException");
    });

    it("S-EXC-3: a status outside 200–599 or not an integer is a RangeError naming the rule", () => {
      for (const bad of [199, 100, 600, 1000, 404.5, Number.NaN, -404]) {
        assert.throws(() => new HTTPException(bad), {
          name: "RangeError",
          message: /integer from 200 to 599/,
        });
      }
      assert.throws(() => new HTTPException("404" as unknown as number), RangeError);
    });

    it("S-EXC-3: a valid status with no reason phrase gets the detail 'HTTP <status>'", () => {
      const exc = new HTTPException(599);
      assert.equal(exc.detail, "HTTP 599");
      assert.equal(exc.message, "599: HTTP 599");
    });

    it("S-EXC-4: WebSocketException defaults to code 1008 and an empty reason", () => {
      const exc = new WebSocketException();
      assert.equal(exc.code, 1008);
      assert.equal(exc.reason, "");
      const custom = new WebSocketException(4403, "forbidden");
      assert.equal(custom.code, 4403);
      assert.equal(custom.reason, "forbidden");
    });

    it("S-EXC-4: only sendable close codes are accepted, else a RangeError naming the rule", () => {
      for (const good of [1000, 1003, 1007, 1014, 3000, 4999]) {
        assert.equal(new WebSocketException(good).code, good);
      }
      for (const bad of [999, 1004, 1005, 1006, 1015, 2999, 5000, 1000.5]) {
        assert.throws(() => new WebSocketException(bad), {
          name: "RangeError",
          message: /sendable/,
        });
      }
    });

    it("S-EXC-4: the reason may hold at most 123 UTF-8 bytes, counted as bytes", () => {
      const fits = `${"é".repeat(61)}a`; // 61 × 2 + 1 = 123 bytes
      assert.equal(new WebSocketException(1008, fits).reason, fits);
      assert.throws(() => new WebSocketException(1008, "é".repeat(62)), {
        name: "RangeError",
        message: /123 UTF-8 bytes/,
      });
      assert.throws(() => new WebSocketException(1008, "x".repeat(124)), RangeError);
    });

    it("S-EXC-5: an exception branded by another copy of the package passes instanceof", () => {
      const foreign = new OtherCopyHTTPException(418, "teapot");
      assert.ok(foreign instanceof HTTPException);
      const bare = Object.create({ [BRAND]: "HTTPException" }) as object;
      assert.ok(bare instanceof HTTPException);
      assert.ok(!(bare instanceof WebSocketException));
      assert.ok(!({} instanceof HTTPException));
      assert.ok(!(new Error("plain") instanceof HTTPException));
    });

    it("S-EXC-5: subclasses keep the ordinary instanceof, distinct from each other", () => {
      assert.ok(new NotFound(404) instanceof HTTPException);
      assert.ok(new NotFound(404) instanceof NotFound);
      assert.ok(!(new HTTPException(404) instanceof NotFound));
      assert.ok(!(new NotFound(404) instanceof Gone));
      assert.ok(!(new OtherCopyHTTPException(404, "x") instanceof NotFound));
      assert.ok(!(new WebSocketException() instanceof HTTPException));
    });

    it("S-EXC-5: an exception from another copy gets this copy's handlers", async () => {
      const spy = reportSpy();
      const app = new App({
        routes: [
          new Route("/default", () => {
            throw new OtherCopyHTTPException(418, "short and stout");
          }),
          new Route("/status", () => {
            throw new OtherCopyHTTPException(409, "taken");
          }),
        ],
        exceptionHandlers: { 409: () => new Response("status handler", { status: 409 }) },
        onError: spy.onError,
      });
      const client = quietClient(app);
      const byDefault = await client.get("/default");
      assert.equal(byDefault.status, 418);
      assert.equal(await byDefault.text(), "short and stout");
      const byStatus = await client.get("/status");
      assert.equal(await byStatus.text(), "status handler");
      assert.deepEqual(spy.errors, []);
    });
  });
}
