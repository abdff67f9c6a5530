import { describe, expect, it } from "vitest";
import packageJson from "../package.json" with { type: "json" };

// The public surface, written out: removing or renaming an export is a
// breaking change and must show up here as a failing test (SPEC §1).

describe("S-RT-2: export names", () => {
  it("the root entry exports the SPEC's names and nothing by accident", async () => {
    expect(Object.keys(await import("../src/index.ts")).sort()).toMatchInlineSnapshot(`
      [
        "App",
        "ClientDisconnect",
        "Config",
        "EventSourceResponse",
        "ExceptionMiddleware",
        "HTMLResponse",
        "HTTPException",
        "InvalidWebSocketMessage",
        "JSONResponse",
        "Mount",
        "PlainTextResponse",
        "RedirectResponse",
        "Route",
        "Router",
        "ServerErrorMiddleware",
        "StreamingResponse",
        "ValidationError",
        "WebSocketDisconnect",
        "WebSocketException",
        "WebSocketRoute",
        "WebSocketSession",
        "buildStack",
        "formatEvent",
        "lastEventId",
        "observeRequest",
        "problemDetailsHandlers",
        "problemResponse",
        "readJson",
        "requestId",
        "status",
        "validate",
      ]
    `);
  });

  it("edgelette/testing", async () => {
    expect(Object.keys(await import("../src/testing/index.ts")).sort()).toMatchInlineSnapshot(`
      [
        "EventStream",
        "HTTPException",
        "TestClient",
        "TestWebSocket",
        "WebSocketDenialResponse",
        "WebSocketDisconnect",
        "WebSocketException",
      ]
    `);
  });

  it("edgelette/otel", async () => {
    expect(Object.keys(await import("../src/otel/index.ts")).sort()).toMatchInlineSnapshot(`
      [
        "tracing",
      ]
    `);
  });

  it("every runtime adapter", async () => {
    const names: Record<string, string[]> = {};
    for (const runtime of ["cloudflare", "deno", "bun", "node", "hono"]) {
      names[runtime] = Object.keys(await import(`../adapters/${runtime}.ts`)).sort();
    }
    expect(names).toMatchInlineSnapshot(`
      {
        "bun": [
          "config",
          "serve",
        ],
        "cloudflare": [
          "RoomSocket",
          "WebSocketRoom",
          "config",
          "worker",
        ],
        "deno": [
          "config",
          "serve",
        ],
        "hono": [
          "exceptionLayers",
          "forwardErrors",
        ],
        "node": [
          "config",
          "serve",
        ],
      }
    `);
  });

  it("the exports map covers the root, testing, otel and every adapter, each with types", () => {
    const entries = Object.entries(packageJson.exports).filter(([key]) => key !== "./package.json");
    expect(entries.map(([key]) => key)).toEqual([
      ".",
      "./testing",
      "./cloudflare",
      "./deno",
      "./bun",
      "./node",
      "./hono",
      "./otel",
    ]);
    for (const [, target] of entries) {
      expect(Object.keys(target as object)).toEqual(["types", "default"]);
    }
  });
});
