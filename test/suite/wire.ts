import assert from "node:assert/strict";
import { connect } from "node:net";
import type { SuiteApi } from "./api.ts";
import { mediaType, WIRE_TEXT_PLAIN } from "./http/support.ts";

/**
 * The over-the-wire slice of the HTTP suite: a real `fetch` against a real
 * server serving `createWireApp()` (see wire-app.ts) on each runtime.
 */

export interface WireTarget {
  /** The server's base URL, e.g. `http://127.0.0.1:41234` (read when a test runs). */
  baseUrl: () => string;
  /**
   * workerd ends a chunked body cleanly even when its stream errored
   * (cloudflare/workerd#6818): the client then sees a truncated body instead of
   * a broken one. The error must still be reported.
   */
  brokenBodyEndsCleanly?: boolean;
}

const REPORT_WAIT_MS = 2000;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether `text` holds a whole HTTP/1.1 response (by Content-Length or the last chunk). */
function isComplete(text: string): boolean {
  const split = text.indexOf("\r\n\r\n");
  if (split === -1) return false;
  const head = text.slice(0, split).toLowerCase();
  const body = text.slice(split + 4);
  const length = /\r\ncontent-length: *(\d+)/.exec(head)?.[1];
  if (length !== undefined) return Buffer.byteLength(body) >= Number(length);
  return /\r\ntransfer-encoding: *chunked/.test(head) ? body.endsWith("0\r\n\r\n") : false;
}

/**
 * One request written as raw bytes, so no client normalises its path; the
 * status and body. Some servers keep the connection open after
 * `Connection: close` (workerd), so a whole response ends the exchange too.
 */
function rawRequest(baseUrl: string, head: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.write(`${head}\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`);
    });
    socket.setEncoding("utf8");
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to ${head}`)));
    socket.on("data", (chunk: string) => {
      text += chunk;
      if (isComplete(text)) socket.destroy();
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf("\r\n\r\n") + 4) });
    });
  });
}

export function wireSuite({ describe, it }: SuiteApi, target: WireTarget): void {
  const get = (path: string, init?: RequestInit) => fetch(`${target.baseUrl()}${path}`, init);

  async function reportsOf(message: string): Promise<number> {
    const response = await get("/__reports");
    const reports = (await response.json()) as string[];
    return reports.filter((each) => each === message).length;
  }

  /** Polls `/__reports` (up to ~2 s) until `message` is reported more than `before` times. */
  async function waitForReport(message: string, before: number): Promise<number> {
    const deadline = Date.now() + REPORT_WAIT_MS;
    let count = await reportsOf(message);
    while (count <= before && Date.now() < deadline) {
      await pause(50);
      count = await reportsOf(message);
    }
    return count;
  }

  describe("over the wire", () => {
    it("S-RES-8: a text route answers text/plain over a real connection", async () => {
      const response = await get("/text");
      assert.equal(response.status, 200);
      assert.equal(mediaType(response.headers.get("content-type")), WIRE_TEXT_PLAIN);
      assert.equal(await response.text(), "hello, wire");
    });

    it("S-ROU-6: HEAD on a GET route answers the same status and headers with no body", async () => {
      const response = await get("/text", { method: "HEAD" });
      assert.equal(response.status, 200);
      assert.equal(mediaType(response.headers.get("content-type")), WIRE_TEXT_PLAIN);
      assert.equal(await response.text(), "");
    });

    it("S-ROU-1: a typed path parameter arrives converted", async () => {
      const response = await get("/json/42");
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "application/json");
      assert.deepEqual(await response.json(), { id: 42, type: "number" });
    });

    it("S-ROU-2: no match goes through the custom JSON 404 handler", async () => {
      for (const path of ["/nowhere", "/json/not-a-number"]) {
        const response = await get(path);
        assert.equal(response.status, 404, path);
        assert.deepEqual(await response.json(), { error: "not found", path });
      }
    });

    it("S-RES-1: an HTTPException answers its status, detail and headers", async () => {
      const response = await get("/denied");
      assert.equal(response.status, 401);
      assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="wire"');
      assert.equal(await response.text(), "log in first");
    });

    it("S-RES-5: a thrown Error is answered by the 500 handler and reported once", async () => {
      const before = await reportsOf("wire boom");
      const response = await get("/boom");
      assert.equal(response.status, 500);
      assert.equal(response.headers.get("x-handled-by"), "500 handler");
      const body = await response.text();
      assert.equal(body, "custom 500");
      assert.equal(await reportsOf("wire boom"), before + 1);
    });

    it("S-LAY-6: a thrown string is answered by the 500 handler and reported", async () => {
      const before = await reportsOf("wire string");
      const response = await get("/throw-string");
      assert.equal(response.status, 500);
      assert.equal(await response.text(), "custom 500");
      assert.equal(await reportsOf("wire string"), before + 1);
    });

    it("S-BAD-1: a body readJson read (declared Content-Length) is read again by the 422 handler", async () => {
      const body = JSON.stringify({ name: "wire" });
      const headers = { "content-type": "application/json" };
      const response = await get("/validate", { method: "POST", body, headers });
      assert.equal(response.status, 422);
      assert.deepEqual(await response.json(), { text: body, json: { name: "wire" } });
    });

    it("S-ROU-3: a wrong method is a 405 with the Allow header", async () => {
      const response = await get("/items", { method: "DELETE" });
      assert.equal(response.status, 405);
      assert.equal(response.headers.get("allow"), "GET, HEAD, POST");
      await response.body?.cancel();
    });

    it("S-BG-2: a failing background task is reported exactly once, the response intact", async () => {
      const message = "wire background failed";
      const before = await reportsOf(message);
      const response = await get("/background-fails");
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "accepted");
      assert.equal(await waitForReport(message, before), before + 1);
      assert.equal(await reportsOf(message), before + 1, "still once after it appeared");
    });

    it("S-ROU-1: dot segments are routed as WHATWG URL resolves them, on every runtime", async () => {
      for (const path of ["/files/../landing", "/files/%2e%2e/landing", "/files/%2E%2E/landing"]) {
        const { status, body } = await rawRequest(target.baseUrl(), `GET ${path} HTTP/1.1`);
        assert.equal(status, 200, path);
        assert.match(body, /landing/, path);
        assert.doesNotMatch(body, /file:/, `${path} must not reach /files/{p:path}`);
      }
    });

    it("S-ROU-5: a {p:path} parameter never holds a '..' segment", async () => {
      const { status, body } = await rawRequest(
        target.baseUrl(),
        "GET /files/..%2Flanding HTTP/1.1",
      );
      assert.equal(status, 400);
      assert.doesNotMatch(body, /file:/);
    });

    it("S-BAD-3: TRACE to a mounted fetch handler is answered (or refused), never a reported 500", async () => {
      const before = (await (await get("/__reports")).json()) as string[];
      const { status } = await rawRequest(target.baseUrl(), "TRACE /foreign/x HTTP/1.1");
      // workerd lets the handler answer; Deno cannot copy such a request: 501.
      assert.ok(status >= 200 && status !== 500, `status ${status}`);
      assert.deepEqual(await (await get("/__reports")).json(), before, "nothing reported");
    });

    it("S-REP-2: a body errored with a non-Error is cut, reported once, and the server lives on", async () => {
      const message = "wire string broke the stream";
      const before = await reportsOf(message);
      const response = await get("/stream-breaks-string", {
        headers: { "accept-encoding": "identity" },
      });
      if (target.brokenBodyEndsCleanly) assert.equal(await response.text(), "first chunk\n");
      else await assert.rejects(response.text(), "the body must not end cleanly");
      assert.equal(await waitForReport(message, before), before + 1);
      assert.equal(await (await get("/text")).text(), "hello, wire", "the server still answers");
    });

    it("S-REP-2: a body that fails midway cuts the connection: reading it rejects", async () => {
      const message = "wire stream broke";
      const before = await reportsOf(message);
      if (target.brokenBodyEndsCleanly) {
        // No compression, so the truncation is visible: only the chunk sent before the failure.
        const response = await get("/stream-breaks", {
          headers: { "accept-encoding": "identity" },
        });
        assert.equal(await response.text(), "first chunk\n");
      } else {
        const response = await get("/stream-breaks");
        assert.equal(response.status, 200);
        await assert.rejects(response.text(), "the body must not end cleanly");
      }
      assert.equal(await waitForReport(message, before), before + 1);
    });
  });
}
