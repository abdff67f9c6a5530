import assert from "node:assert/strict";
import { App } from "../../../src/app.ts";
import { HTTPException, WebSocketDisconnect } from "../../../src/exceptions.ts";
import { PlainTextResponse, RedirectResponse } from "../../../src/responses.ts";
import { Route, WebSocketRoute } from "../../../src/routing/route.ts";
import { TestClient } from "../../../src/testing/index.ts";
import type { SuiteApi } from "../api.ts";
import { reportSpy } from "./support.ts";

const failure = new Error("raised to the test");
const describeRequest = async (request: Request) =>
  new PlainTextResponse(
    `${request.method} ${new URL(request.url).pathname} ${await request.text()}`,
  );

function clientApp() {
  const spy = reportSpy();
  const app = new App({
    routes: [
      new Route("/start", () => new RedirectResponse("/middle")),
      new Route("/middle", () => new RedirectResponse("/end?from=middle", 302)),
      new Route("/end", describeRequest, { methods: ["GET", "POST"] }),
      new Route("/form", () => new RedirectResponse("/end", 303), { methods: ["POST"] }),
      new Route("/keep", () => new RedirectResponse("/end", 307), { methods: ["POST"] }),
      new Route("/loop", () => new RedirectResponse("/loop")),
      new Route("/text", () => new PlainTextResponse("some body", { headers: { "x-a": "1" } })),
      new Route("/fail", () => {
        throw failure;
      }),
      new Route("/missing", () => {
        throw new HTTPException(404);
      }),
    ],
    onError: spy.onError,
  });
  return { app, spy };
}

export function testingSuite({ describe, it }: SuiteApi): void {
  describe("test client", () => {
    it("S-TC-1: redirects are followed by default, as fetch does", async () => {
      const client = new TestClient(clientApp().app);
      const response = await client.get("/start");
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "GET /end ");
    });

    it("S-TC-1: a 303 after POST becomes a GET without a body; a 307 keeps both", async () => {
      const client = new TestClient(clientApp().app);
      const seeOther = await client.post("/form", { body: "payload" });
      assert.equal(await seeOther.text(), "GET /end ");
      const temporary = await client.post("/keep", { body: "payload" });
      assert.equal(await temporary.text(), "POST /end payload");
    });

    it("S-TC-1: redirect 'manual' returns the redirect itself", async () => {
      const client = new TestClient(clientApp().app);
      const response = await client.get("/start", { redirect: "manual" });
      assert.equal(response.status, 307);
      assert.equal(response.headers.get("location"), "/middle");
    });

    it("S-TC-1: redirect 'error' rejects with a TypeError, as fetch does", async () => {
      const client = new TestClient(clientApp().app);
      await assert.rejects(client.get("/start", { redirect: "error" }), TypeError);
      assert.equal((await client.get("/text", { redirect: "error" })).status, 200);
    });

    it("S-TC-1: a redirect loop rejects instead of hanging", async () => {
      const client = new TestClient(clientApp().app);
      await assert.rejects(client.get("/loop"), TypeError);
    });

    it("S-TC-1: HEAD responses have no body but keep status and headers", async () => {
      const client = new TestClient(clientApp().app);
      const response = await client.head("/text");
      assert.equal(response.status, 200);
      assert.equal(response.body, null);
      assert.equal(response.headers.get("x-a"), "1");
      assert.equal(await response.text(), "");
    });

    it("S-TC-1: raiseServerExceptions (default true) rejects with the original error", async () => {
      const { app, spy } = clientApp();
      await assert.rejects(new TestClient(app).get("/fail"), (error) => error === failure);
      assert.deepEqual(spy.errors, [failure], "the app still reported it");
      const explicit = new TestClient(app, { raiseServerExceptions: true });
      await assert.rejects(explicit.get("/fail"), (error) => error === failure);
    });

    it("S-TC-1: handled exceptions come back as responses even when raising", async () => {
      const response = await new TestClient(clientApp().app).get("/missing");
      assert.equal(response.status, 404);
    });

    it("S-TC-1: raiseServerExceptions false returns the 500 response", async () => {
      const client = new TestClient(clientApp().app, { raiseServerExceptions: false });
      const response = await client.get("/fail");
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "Internal Server Error");
    });

    it("S-TC-1: raiseServerExceptions false around a plain function that throws returns a 500", async () => {
      const plain = () => {
        throw failure;
      };
      const rejecting = () => Promise.reject(failure);
      for (const handler of [plain, rejecting]) {
        const client = new TestClient(handler, { raiseServerExceptions: false });
        const response = await client.get("/anything");
        assert.equal(response.status, 500);
        assert.equal(await response.text(), "Internal Server Error");
        await assert.rejects(new TestClient(handler).get("/anything"), (e) => e === failure);
      }
    });
  });

  describe("test client WebSockets", () => {
    it("S-TC-2: an offer of subprotocols answered with none fails the handshake; the endpoint sees 1006", async () => {
      const seen: unknown[] = [];
      const app = new App({
        routes: [
          new WebSocketRoute("/ws", async (ws) => {
            ws.accept(); // no subprotocol, though the client offered some
            await ws.receiveText().catch((error) => seen.push(error));
          }),
        ],
      });
      const client = new TestClient(app);
      await assert.rejects(client.websocketConnect("/ws", { subprotocols: ["a.v1", "b.v1"] }), {
        message: /offered subprotocols \(a\.v1, b\.v1\) and the endpoint accepted none/,
      });
      for (let tries = 0; tries < 200 && seen.length === 0; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.ok(seen[0] instanceof WebSocketDisconnect);
      assert.equal(seen[0].code, 1006);
      const socket = await client.websocketConnect("/ws"); // no offer: opens
      assert.equal(socket.subprotocol, undefined);
      socket.close();
    });
  });
}
