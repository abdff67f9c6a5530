// With edgelette/node loaded, edgelette's text responses make their body stream
// only when something reads it (src/buffered-response.ts). Read through the public
// API, they must be indistinguishable from the responses the runtime builds.
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import "../adapters/node.ts";
import { HTMLResponse, JSONResponse, PlainTextResponse } from "../src/index.ts";

const readers = {
  text: (response: Response) => response.text(),
  json: async (response: Response) => JSON.stringify(await response.json()),
  arrayBuffer: async (response: Response) => new TextDecoder().decode(await response.arrayBuffer()),
  bytes: async (response: Response) => new TextDecoder().decode(await response.bytes()),
  blob: async (response: Response) => (await response.blob()).text(),
  body: (response: Response) => new Response(response.body).text(),
  copy: (response: Response) => new Response(response.body, response).text(),
};

describe("edgelette's text responses with edgelette/node loaded", () => {
  for (const [name, read] of Object.entries(readers)) {
    it(`S-RES-8: the body reads whole through ${name}, once`, async () => {
      const response = new JSONResponse({ name: "Ada", city: "Zürich" });
      assert.equal(response.bodyUsed, false);
      assert.equal(await read(response), '{"name":"Ada","city":"Zürich"}');
      assert.equal(response.bodyUsed, true);
      await assert.rejects(response.text(), TypeError); // a body is read once
    });
  }

  it("S-RES-8: each class carries its media type, a string body the runtime's own", () => {
    const types = [
      new PlainTextResponse("hi").headers.get("content-type"),
      new PlainTextResponse("hi", { status: 201, headers: { "x-a": "1" } }).headers.get(
        "content-type",
      ),
      new HTMLResponse("<p>hi</p>").headers.get("content-type"),
      new JSONResponse(1).headers.get("content-type"),
      new PlainTextResponse("hi", { headers: { "content-type": "text/csv" } }).headers.get(
        "content-type",
      ),
    ];
    assert.deepEqual(types, [
      new Response("hi").headers.get("content-type"),
      new Response("hi").headers.get("content-type"),
      "text/html; charset=utf-8",
      "application/json",
      "text/csv",
    ]);
  });

  it("S-RES-8: blob() and formData() read the response's own content type", async () => {
    assert.equal((await new JSONResponse(1).blob()).type, "application/json");
    const form = new PlainTextResponse("a=1&b=2", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal((await form.formData()).get("b"), "2");
  });

  it("S-RES-8: body is one stream, the same on every read of the property", async () => {
    const response = new PlainTextResponse("héllo");
    assert.ok(response.body instanceof ReadableStream);
    assert.equal(response.body, response.body);
    assert.equal(await new Response(response.body).text(), "héllo");
  });

  it("S-RES-8: clone() is a Response with the same status, headers and body; both read", async () => {
    const response = new JSONResponse([1], { status: 201, headers: { "x-a": "1" } });
    const copy = response.clone();
    assert.ok(copy instanceof Response);
    assert.equal(copy.status, 201);
    assert.equal(copy.headers.get("x-a"), "1");
    assert.equal(copy.headers.get("content-type"), "application/json");
    assert.equal(await copy.text(), "[1]");
    assert.equal(response.bodyUsed, false);
    assert.equal(await response.text(), "[1]");
    assert.throws(() => response.clone(), TypeError); // as Fetch's clone() of a read body
  });

  it("S-RES-2: a 204 has no body, no content type, and nothing to read", async () => {
    const response = new JSONResponse(null, { status: 204 });
    assert.equal(response.body, null);
    assert.equal(response.headers.get("content-type"), null);
    assert.equal(await response.text(), "");
  });
});
