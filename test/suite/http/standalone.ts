import assert from "node:assert/strict";
import { HTTPException } from "../../../src/exceptions.ts";
import { ServerErrorMiddleware } from "../../../src/middleware/errors.ts";
import { ExceptionMiddleware } from "../../../src/middleware/exceptions.ts";
import { PlainTextResponse } from "../../../src/responses.ts";
import type { Handler } from "../../../src/types.ts";
import type { SuiteApi } from "../api.ts";
import { handlerSpy, quietClient, reportSpy } from "./support.ts";

const boom = () => {
  throw new Error("boom");
};

/** The two exception layers on their own, around things that are not apps (S-LAY-7). */
export function standaloneSuite({ describe, it }: SuiteApi): void {
  describe("standalone layers", () => {
    it("S-LAY-7: ExceptionMiddleware works standalone around a plain handler", async () => {
      const handler: Handler = async (request) => {
        if (new URL(request.url).pathname === "/teapot") throw new HTTPException(418);
        throw new HTTPException(404, "nothing here");
      };
      const layer = new ExceptionMiddleware(handler, {
        handlers: { 418: () => new PlainTextResponse("short and stout", { status: 418 }) },
      });
      const client = quietClient(layer);
      const missing = await client.get("/x");
      assert.equal(missing.status, 404);
      assert.equal(await missing.text(), "nothing here");
      assert.equal(await (await client.get("/teapot")).text(), "short and stout");
      layer.addExceptionHandler(404, () => new PlainTextResponse("added later", { status: 404 }));
      assert.equal(await (await client.get("/x")).text(), "added later");
    });

    it("S-LAY-7: on its own, ExceptionMiddleware answers with a handler keyed Error (Starlette does)", async () => {
      const layer = new ExceptionMiddleware(boom, {
        handlers: [[Error, () => new PlainTextResponse("caught here", { status: 503 })]],
      });
      const response = await quietClient(layer).get("/");
      assert.equal(response.status, 503);
      assert.equal(await response.text(), "caught here");
    });

    it("S-LAY-7: ExceptionMiddleware works standalone around a { fetch } object", async () => {
      const inner = {
        fetch: (request: Request) => {
          if (request.method === "POST") throw new HTTPException(405, undefined, { allow: "GET" });
          return new PlainTextResponse("inner");
        },
      };
      const client = quietClient(new ExceptionMiddleware(inner));
      assert.equal(await (await client.get("/")).text(), "inner");
      const refused = await client.post("/");
      assert.equal(refused.status, 405);
      assert.equal(refused.headers.get("allow"), "GET");
    });

    it("S-LAY-7: ServerErrorMiddleware works standalone around a plain handler", async () => {
      const spy = reportSpy();
      const layer = new ServerErrorMiddleware(async () => boom(), { onError: spy.onError });
      const client = quietClient(layer);
      const response = await client.get("/");
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "Internal Server Error");
      assert.equal(spy.errors.length, 1);
      layer.addExceptionHandler(Error, () => new PlainTextResponse("added", { status: 503 }));
      assert.equal((await client.get("/")).status, 503);
    });

    it("S-LAY-7: ServerErrorMiddleware standalone takes a handler option and wraps { fetch }", async () => {
      const spy = reportSpy();
      const errorHandler = handlerSpy(() => new PlainTextResponse("handled", { status: 502 }));
      const inner = { fetch: () => Promise.reject(new Error("inner fetch failed")) };
      const layer = new ServerErrorMiddleware(inner, {
        handler: errorHandler.handler,
        onError: spy.onError,
      });
      const response = await quietClient(layer).get("/");
      assert.equal(response.status, 502);
      assert.equal(
        (errorHandler.calls[0]?.exc as Error | undefined)?.message,
        "inner fetch failed",
      );
      assert.equal(spy.errors.length, 1);
    });

    it("S-LAY-7: the standalone layers take debug, and compose like an app", async () => {
      const spy = reportSpy();
      const layered = new ServerErrorMiddleware(
        new ExceptionMiddleware(async (request) => {
          if (new URL(request.url).pathname === "/missing") throw new HTTPException(404);
          throw new RangeError("standalone debug");
        }),
        { debug: true, onError: spy.onError },
      );
      const client = quietClient(layered);
      const missing = await client.get("/missing");
      assert.equal(missing.status, 404);
      assert.equal(await missing.text(), "Not Found");
      const failed = await client.get("/", { headers: { accept: "text/plain" } });
      assert.equal(failed.status, 500);
      assert.match(await failed.text(), /RangeError: standalone debug/);
      assert.equal(spy.errors.length, 1);
    });
  });
}
