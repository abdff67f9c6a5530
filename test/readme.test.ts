import { describe, expect, it } from "vitest";
import app, { reported } from "../examples/readme.ts";
import { TestClient } from "../src/testing/index.ts";

const client = new TestClient(app);

describe("the README's example", () => {
  it("S-ROU-1: converts {id:int} to a number", async () => {
    expect(await (await client.get("/users/7")).json()).toEqual({ id: 7 });
  });

  it("S-LOOK-2: a status handler answers the HTTPException with its detail", async () => {
    const response = await client.get("/users/0");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "no user 0" });
  });

  it("S-LOOK-6: a handler added with addExceptionHandler answers its class", async () => {
    const response = await client.get("/premium");
    expect(response.status).toBe(402);
    expect(reported).toEqual([]);
  });
});
