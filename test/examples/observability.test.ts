import { describe, expect, it } from "vitest";
import { createApp } from "../../examples/observability/logging.ts";
import { TestClient } from "../../src/testing/index.ts";

// The JSON logger of docs/observability.md, as a reader would copy it.

function logged() {
  const lines: Record<string, unknown>[] = [];
  const client = new TestClient(
    createApp((line) => lines.push(JSON.parse(line))),
    { raiseServerExceptions: false },
  );
  return { client, lines };
}

describe("docs/observability.md: the JSON logger", () => {
  it("S-OBS-1: one access line per request, with the route, the path and the id", async () => {
    const { client, lines } = logged();
    const response = await client.get("/orders/7?token=secret", {
      headers: { "x-request-id": "r-1" },
    });
    expect(response.headers.get("x-request-id")).toBe("r-1");
    expect(lines).toEqual([
      expect.objectContaining({
        level: "info",
        id: "r-1",
        method: "GET",
        route: "/orders/{id:int}",
        path: "/orders/7",
        status: 200,
      }),
    ]);
  });

  it("S-OBS-1: a 404 has no route, and is no error line", async () => {
    const { client, lines } = logged();
    await client.get("/orders/0");
    await client.get("/nowhere");
    expect(lines.map((line) => [line.level, line.route, line.status])).toEqual([
      ["info", "/orders/{id:int}", 404],
      ["info", null, 404],
    ]);
  });

  it("S-REP-1: an unhandled error is one error line and one access line, joined by the id", async () => {
    const { client, lines } = logged();
    await client.get("/orders/13");
    const [error, access] = lines;
    expect(error).toEqual({
      level: "error",
      id: access?.id,
      kind: "request",
      route: "/orders/{id:int}",
      method: "GET",
      error: { name: "RangeError", message: "unlucky order" },
    });
    expect(access).toEqual(expect.objectContaining({ status: 500, route: "/orders/{id:int}" }));
    expect(access?.id).toMatch(/^[\da-f-]{36}$/);
  });
});
