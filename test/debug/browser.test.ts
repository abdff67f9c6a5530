import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../../adapters/node.ts";
import { app } from "../../examples/demo/app.ts";
import type { ServerHandle } from "../../src/server/execution-context.ts";

// A real browser on the real page: Debian's Chromium (installed by
// scripts/ensure-chromium.mjs, which `npm test` runs) opens the demo's debug
// route, served by the Node adapter, and the test reads the rendered DOM.
// The screenshot docs/debugging.md shows is rewritten with UPDATE_SCREENSHOT=1;
// otherwise it goes to a temporary directory, so a test run leaves git clean.

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT = resolve("docs/images/debug-page.png");
/** The demo's crashing line, read from the file, so editing the demo does not break this test. */
const CRASH_LINE =
  readFileSync(resolve("examples/demo/app.ts"), "utf8")
    .split("\n")
    .findIndex((line) => line.includes("the demo crashed on purpose")) + 1;

let server: ServerHandle;
let browser: Browser;
let profile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run \`node scripts/ensure-chromium.mjs\` (npm test does)`,
    );
  }
  server = await serve(app, { port: 0, onError: () => {} });
  profile = await mkdtemp(join(tmpdir(), "edgelette-chromium-"));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    userDataDir: profile,
    timeout: 20_000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe("the debug page in Chromium", () => {
  it("S-DBG-6: the user's frame is open with its line marked, framework frames folded, the style allowed by the CSP", async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 900 });
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.setExtraHTTPHeaders({ authorization: "Bearer demo-secret", "x-request-id": "r-42" });
    const response = await page.goto(new URL("/debug/crash?token=s3cret&page=2", server.url).href, {
      timeout: 10_000,
    });
    expect(response?.status()).toBe(500);

    const dom = await page.evaluate(() => {
      const first = document.querySelector("li.frame.app details");
      const groups = [...document.querySelectorAll("details.group")];
      return {
        firstFrameOpen: first?.hasAttribute("open"),
        firstFrameText: first?.querySelector("summary")?.textContent ?? "",
        firstFrameShown: first?.querySelector("pre.source")?.checkVisibility(),
        marked: first?.querySelector("mark")?.textContent ?? "",
        groupCount: groups.length,
        groupsOpen: groups.filter((group) => group.hasAttribute("open")).length,
        groupText: groups.map((group) => group.textContent).join("\n"),
        hiddenFrameShown: groups[0]?.querySelector("li.frame")?.checkVisibility(),
        headerColour: getComputedStyle(document.querySelector("header") as Element).backgroundColor,
        requestText: document.querySelector("section.request")?.textContent ?? "",
        origin: document.querySelector("header")?.textContent ?? "",
        scripts: document.scripts.length,
      };
    });
    expect(dom.firstFrameOpen).toBe(true);
    expect(dom.firstFrameText).toContain("crash");
    expect(dom.firstFrameText).toContain(`examples/demo/app.ts:${CRASH_LINE}`);
    expect(dom.firstFrameShown).toBe(true);
    expect(dom.marked).toContain('throw new Error("the demo crashed on purpose")');
    expect(dom.groupCount).toBeGreaterThan(0);
    expect(dom.groupsOpen).toBe(0);
    expect(dom.groupText).toContain("src/middleware/errors.ts");
    expect(dom.hiddenFrameShown).toBe(false);
    // The hashed inline style applied: the CSP allowed it and nothing else.
    expect(dom.headerColour).toBe("rgb(180, 35, 24)");
    expect(violations).toEqual([]);
    expect(dom.requestText).toContain("[redacted]");
    expect(dom.requestText).not.toContain("s3cret");
    expect(dom.requestText).not.toContain("demo-secret");
    expect(dom.requestText).toContain("Route/debug/crash");
    expect(dom.origin).toContain(
      `Raised in Route.crash [as endpoint] at examples/demo/app.ts:${CRASH_LINE}`,
    );
    expect(dom.scripts).toBe(0);

    const png = await page.screenshot({ fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    const target = process.env.UPDATE_SCREENSHOT === "1" ? SCREENSHOT : join(profile, "page.png");
    await writeFile(target, png);
    await page.close();
  }, 20_000);
});
