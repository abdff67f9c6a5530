import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { config, worker } from "../../../adapters/cloudflare.ts";
import { createAdapterApp } from "./adapter-app.ts";

/** Calls `worker(app)` as workerd would, with a real ExecutionContext. */
async function call(path: string, app = createAdapterApp().app) {
  const ctx = createExecutionContext();
  const response = await worker(app).fetch(new Request(`http://adapter.test${path}`), env, ctx);
  return { response, ctx };
}

describe("edgelette/cloudflare: worker(app) over HTTP", () => {
  it("S-BG-1: background work is kept alive by the real ExecutionContext's waitUntil", async () => {
    const { app, log } = createAdapterApp();
    const { response, ctx } = await call("/background", app);
    assert.equal(await response.text(), "ok");
    await waitOnExecutionContext(ctx);
    assert.deepEqual(log.sort(), ["background", "waitUntil"]);
  });

  it("S-BG-2: a failing waitUntil task is reported once and leaves the response alone", async () => {
    const { app, spy } = createAdapterApp();
    const { response, ctx } = await call("/background-fails", app);
    assert.equal(response.status, 200);
    await waitOnExecutionContext(ctx);
    assert.deepEqual(
      spy.errors.map((error) => (error as Error).message),
      ["late failure"],
    );
  });

  it("S-RT-2: env bindings, props and passThroughOnException reach the app", async () => {
    const { app } = createAdapterApp();
    let passedThrough = 0;
    const ctx = {
      waitUntil: () => {},
      passThroughOnException: () => passedThrough++,
      props: { tenant: "acme" },
    };
    const request = new Request("http://adapter.test/seen");
    const response = await worker(app).fetch(request, { NAME: "edge" }, ctx);
    assert.deepEqual(await response.json(), { name: "edge", props: { tenant: "acme" } });
    assert.equal(passedThrough, 1);
  });

  it("S-REP-2: a streamed body that fails midway is broken for the client and reported", async () => {
    const { app, spy } = createAdapterApp();
    const { response } = await call("/stream", app);
    assert.equal(response.status, 200);
    await assert.rejects(response.text());
    assert.deepEqual(
      spy.errors.map((error) => (error as Error).message),
      ["stream broke"],
    );
  });

  it("S-REP-2: through workerd's own fetch path, the broken body stays broken", async () => {
    const response = await exports.default.fetch("http://adapter.test/stream");
    assert.equal(response.status, 200);
    await assert.rejects(response.text());
  });
});

/** Apps declare their bindings as an interface, which has no index signature. */
interface Env {
  EDGELETTE_DEBUG: string;
}

describe("edgelette/cloudflare: config(env)", () => {
  it("S-DBG-5: reads wrangler vars through a strict boolean cast", () => {
    assert.equal(config(env as unknown as Env).boolean("EDGELETTE_DEBUG"), false);
    assert.equal(config({ DEBUG: true }).boolean("DEBUG"), true);
    assert.equal(config({ DEBUG: "1" }).boolean("DEBUG"), true);
  });

  it("S-DBG-5: a value that is not a strict boolean fails, naming the accepted values", () => {
    assert.throws(() => config({ DEBUG: "yes" }).boolean("DEBUG"), {
      name: "TypeError",
      message: /not a boolean; accepted values are "true", "false", "1" and "0"/,
    });
  });
});
