import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { app } from "../../examples/demo/app.ts";
import { EventStream, TestClient, WebSocketDenialResponse } from "../../src/testing/index.ts";

// Every claim the README's demo table makes, in memory; then the real thing:
// `npm start`'s wrangler dev in workerd, on a free port, reached with curl-like
// fetches and a `ws` client.

const client = new TestClient(app, { raiseServerExceptions: false });

describe("the demo app, in memory", () => {
  it("S-ROU-1: /users/42 has a typed id", async () => {
    expect(await (await client.get("/users/42")).json()).toEqual({ id: 42, name: "user 42" });
  });

  it("S-ROU-2: /users/abc is the JSON 404", async () => {
    const response = await client.get("/users/abc");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "not found", path: "/users/abc" });
  });

  it("S-ROU-3: DELETE /items is a 405 with Allow", async () => {
    const response = await client.delete("/items");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD, POST");
  });

  it("S-LOOK-2: /premium is answered by PaymentRequired's handler", async () => {
    const response = await client.get("/premium");
    expect(response.status).toBe(402);
    expect(await response.json()).toEqual({ error: "plan gold needs a payment", plan: "gold" });
  });

  it("S-RES-1: /limited carries its Retry-After header", async () => {
    const response = await client.get("/limited");
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("30");
    expect(await response.text()).toBe("Slow down");
  });

  it("S-VAL-1: /signup gets the validated, transformed body and query", async () => {
    const response = await client.post("/signup?ref=newsletter", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "Ada@Example.org", password: "correct horse battery" }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      email: "ada@example.org",
      plan: "free",
      ref: "newsletter",
    });
  });

  it("S-VAL-1: /signup answers one 422 listing every problem, without the input", async () => {
    const response = await client.post(`/signup?ref=${"r".repeat(33)}`, {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "nope", password: "hunter2", plan: "platinum" }),
    });
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text).detail.map((each: { in: string; path: string }) => each.path)).toEqual([
      "/ref",
      "/email",
      "/password",
      "/plan",
    ]);
  });

  it("S-VAL-1: /signup with a form body is a 415 before any 422", async () => {
    const response = await client.post("/signup", { body: new URLSearchParams({ email: "x" }) });
    expect(response.status).toBe(415);
  });

  it("S-LAY-5: /crash is the 500 handler's JSON, with CORS from outer middleware", async () => {
    const response = await client.get("/crash");
    expect(response.status).toBe(500);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await response.json()).toEqual({ error: "something broke; it has been reported" });
  });

  it("S-DBG-1: /debug/crash shows the traceback, as HTML to a browser", async () => {
    const response = await client.get("/debug/crash", { headers: { accept: "text/html" } });
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("the demo crashed on purpose");
  });

  it("S-WS-2: /ws without a token closes 1008", async () => {
    const ws = await client.websocketConnect("/ws");
    await expect(ws.receiveText()).rejects.toMatchObject({ code: 1008, reason: "token required" });
  });

  it("S-WS-7: /ws echoes JSON, answers bad JSON, and closes 4403 on a forbidden command", async () => {
    const ws = await client.websocketConnect("/ws?token=demo");
    ws.sendJson({ hello: 1 });
    expect(await ws.receiveJson()).toEqual({ echo: { hello: 1 } });
    ws.sendText("{nope");
    expect(await ws.receiveJson()).toEqual({ error: "messages must be JSON" });
    ws.sendJson({ command: "forbidden" });
    await expect(ws.receiveText()).rejects.toMatchObject({ code: 4403 });
  });

  it("S-STR-1: /events streams ticks, resumed after Last-Event-ID", async () => {
    const events = await client.events("/events?every=10", { headers: { "last-event-id": "41" } });
    expect(events.response.headers.get("access-control-allow-origin")).toBe("*");
    const ticks = [];
    for await (const event of events) {
      ticks.push(event);
      if (ticks.length === 2) break;
    }
    expect(ticks.map((tick) => [tick.event, tick.id, JSON.parse(tick.data ?? "").n])).toEqual([
      ["tick", "42", 42],
      ["tick", "43", 43],
    ]);
  });

  it("S-STR-1: /events?fail=before is the 503 handler's answer; ?fail=2 ends with an error event, reported", async () => {
    const before = await client.get("/events?fail=before", {
      headers: { accept: "text/event-stream" },
    });
    expect(before.status).toBe(503);
    const events = await client.events("/events?every=10&fail=2");
    expect((await events.next()).value?.id).toBe("1");
    expect((await events.next()).value?.id).toBe("2");
    expect((await events.next()).value).toEqual({ event: "error", data: "the feed stopped" });
    await expect(events.next()).rejects.toThrow();
  });

  it("S-STR-1: a browser opening /events gets a page that listens with EventSource", async () => {
    const response = await client.get("/events", { headers: { accept: "text/html" } });
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toContain("new EventSource(");
  });

  it("S-WS-5: an upgrade to a path no route serves is the JSON 404 denial", async () => {
    const denial = await client.websocketConnect("/nowhere").catch((error: unknown) => error);
    expect(denial).toBeInstanceOf(WebSocketDenialResponse);
    expect((denial as WebSocketDenialResponse).response.status).toBe(404);
  });
});

describe("npm start: the demo in workerd (wrangler dev)", () => {
  const port = 21_000 + Math.floor(Math.random() * 20_000);
  const base = `http://127.0.0.1:${port}`;
  let wrangler: ChildProcess;

  beforeAll(async () => {
    const root = resolve(import.meta.dirname, "../..");
    wrangler = spawn(
      "node",
      ["node_modules/wrangler/bin/wrangler.js", "dev", "--ip", "127.0.0.1", "--port", String(port)],
      { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
    );
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ready = await fetch(base).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return;
      await new Promise((done) => setTimeout(done, 250));
    }
    throw new Error("wrangler dev did not answer within 30 s");
  }, 40_000);

  afterAll(() => {
    wrangler?.kill("SIGTERM");
  });

  it("S-ROU-1: serves the typed route over HTTP", async () => {
    expect(await (await fetch(`${base}/users/42`)).json()).toEqual({ id: 42, name: "user 42" });
  });

  it("S-VAL-1: /signup validates in workerd", async () => {
    const response = await fetch(`${base}/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "Ada@Example.org", password: "short" }),
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      detail: [{ in: "body", path: "/password", message: "must be at least 12 characters" }],
    });
  });

  it("S-DBG-2: curl's */* gets the plain-text traceback", async () => {
    const response = await fetch(`${base}/debug/crash`, { headers: { accept: "*/*" } });
    expect(response.headers.get("content-type")).toContain("text/plain");
    expect(await response.text()).toContain("Error: the demo crashed on purpose");
  });

  it("S-DBG-6: the page says why there is no source in workerd, and names no bundle path as a file", async () => {
    const response = await fetch(`${base}/debug/crash?token=demo`, { headers: { accept: "*/*" } });
    const text = await response.text();
    expect(text).toMatch(/^Error: the demo crashed on purpose\n {4}at Route\.crash/);
    expect(text).toContain("(<wrangler bundle>:");
    expect(text).toContain("No source: under wrangler dev");
    expect(text).not.toMatch(/\.wrangler\/tmp|worker\.js/);
    // The whole stack, not V8's default ten frames, and the request redacted.
    expect(text.match(/\n {4}at /g)?.length).toBeGreaterThan(10);
    expect(text).toContain("token: [redacted]");
  });

  it("S-STR-1: /events streams ticks over HTTP from workerd", async () => {
    const response = await fetch(`${base}/events?every=10`, {
      headers: { accept: "text/event-stream" },
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const events = new EventStream(response);
    expect((await events.next()).value).toMatchObject({ event: "tick", id: "1" });
    expect((await events.next()).value).toMatchObject({ event: "tick", id: "2" });
    await events.close();
  });

  it("S-WS-2: /ws without a token closes 1008 for a real client", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const [code, reason] = await new Promise<[number, string]>((done) =>
      ws.on("close", (closeCode, closeReason) => done([closeCode, String(closeReason)])),
    );
    expect([code, reason]).toEqual([1008, "token required"]);
  });
});
