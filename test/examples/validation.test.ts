import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { app as valibotApp } from "../../examples/validation/valibot.ts";
import { app as zodApp } from "../../examples/validation/zod.ts";
import { TestClient, WebSocketDisconnect } from "../../src/testing/index.ts";

// The README's "Validating input" examples do what the README says.

const json = (body: unknown) => ({
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("the README's zod example", () => {
  const client = new TestClient(zodApp);

  it("S-VAL-1: the endpoint gets params, a coerced query and the transformed body", async () => {
    const response = await client.post(
      "/teams/core/members?notify=true",
      json({ name: " Ada ", email: "ada@example.org" }),
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      team: "core",
      notify: true,
      name: "Ada",
      email: "ada@example.org",
      tags: [],
    });
  });

  it("S-VAL-1: the README's sample 422 is what the default handler sends", async () => {
    const response = await client.post("/teams/core/members", json({ name: "", email: "ada" }));
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.text()).toBe(
      '{"detail":[{"in":"body","path":"/name","message":"Too small: expected string to have >=1 characters"},{"in":"body","path":"/email","message":"Invalid email address"}]}',
    );
  });

  it("S-VAL-1: one 422 lists params, query and body problems in that order", async () => {
    const response = await client.post(
      "/teams/Core/members?notify=perhaps",
      json({ name: "", email: "ada" }),
    );
    expect(response.status).toBe(422);
    const { detail } = await response.json();
    expect(detail.map((each: { in: string; path: string }) => `${each.in} ${each.path}`)).toEqual([
      "params /team",
      "query /notify",
      "body /name",
      "body /email",
    ]);
  });
});

describe("the README's valibot example", () => {
  const client = new TestClient(valibotApp);
  const v2 = { headers: { "x-api-version": "2" } };

  it("S-VAL-1: a repeated query key is an array, and toNumber coerces", async () => {
    const response = await client.get("/search?q=%20edge%20&limit=5&tag=a&tag=b", v2);
    expect(await response.json()).toEqual({ q: "edge", limit: 5, tags: ["a", "b"] });
    const once = await client.get("/search?q=x&tag=a", v2);
    expect(await once.json()).toEqual({ q: "x", limit: 20, tags: ["a"] });
  });

  it("S-VAL-1: a header schema answers 422 with in: headers", async () => {
    const response = await client.get("/search?q=x", { headers: { "x-api-version": "1" } });
    expect(response.status).toBe(422);
    const { detail } = await response.json();
    expect(detail).toEqual([
      { in: "headers", path: "/x-api-version", message: expect.any(String) },
    ]);
  });

  it("S-WS-3: an invalid message the endpoint does not catch closes 4422", async () => {
    const ws = await client.websocketConnect("/game");
    ws.sendJson({ x: 1, y: 2 });
    expect(await ws.receiveJson()).toEqual({ moved: [1, 2] });
    ws.sendJson({ x: 1 });
    const closed = await ws.receiveText().catch((error: unknown) => error);
    expect(closed).toBeInstanceOf(WebSocketDisconnect);
    expect((closed as WebSocketDisconnect).code).toBe(4422);
    expect(JSON.parse((closed as WebSocketDisconnect).reason)).toEqual([
      { in: "message", path: "/y", message: expect.stringMatching(/^Invalid key: Expected "y"/) },
    ]);
  });
});

describe("the README's validation examples", () => {
  const readme = readFileSync(resolve(import.meta.dirname, "../../README.md"), "utf8");

  for (const file of ["zod.ts", "valibot.ts"]) {
    it(`are the code of examples/validation/${file}, which these tests run`, () => {
      const source = readFileSync(
        resolve(import.meta.dirname, "../../examples/validation", file),
        "utf8",
      );
      // Every top-level block but the file's own header, imports and export.
      const blocks = source
        .split("\n\n")
        .map((block) => block.trim())
        .filter((block) => !/^(\/\/ The README|import |export )/.test(block));
      expect(blocks.length).toBeGreaterThan(1);
      for (const block of blocks) expect(readme).toContain(block);
    });
  }
});
