import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The published shape, checked end to end: build, publint, `npm pack`, install
// the tarball into a fresh project, then import it and run the README's quick
// starts (examples/quickstart) on Node, Deno, Bun and workerd.

const root = resolve(import.meta.dirname, "../..");
const bin = (name: string) => join(root, "node_modules/.bin", name);
const project = mkdtempSync(join(tmpdir(), "edgelette-pack-"));

function run(command: string, args: string[], cwd = root): string {
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

beforeAll(() => {
  run(bin("tsc"), ["-p", "tsconfig.build.json"]);
  const tarball = run("npm", ["pack", "--silent", "--pack-destination", project])
    .trim()
    .split("\n")
    .at(-1);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({
      type: "module",
      // The optional peer edgelette/otel needs; npm installs no optional peer by itself.
      dependencies: { edgelette: `file:./${tarball}`, "@opentelemetry/api": "1.10.0" },
    }),
  );
  run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"],
    project,
  );
  cpSync(join(root, "examples/quickstart"), project, { recursive: true });
  cpSync(join(root, "test/fixtures/debug-app/server.ts"), join(project, "debug-app.ts"));
  const compile = ["--ignoreConfig", "debug-app.ts", "--sourceMap", "--outDir", "built"];
  const target = ["--target", "es2022", "--module", "nodenext", "--lib", "es2022,dom"];
  run(bin("tsc"), [...compile, ...target, "--rootDir", ".", "--skipLibCheck"], project);
}, 120_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("the packed package", () => {
  it("passes publint", () => {
    const output = run(bin("publint"), ["--strict"]);
    expect(output).not.toMatch(/error|warning/i);
  });

  it("publishes types that hold the public API only (internals stripped)", () => {
    // The modules that declare the public classes (the context's own module is internal).
    const publicModules =
      /^(src\/(app|exceptions|responses|middleware\/(errors|exceptions)|routing\/(route|router)|websocket\/session|testing\/.*)|adapters\/.*)\.d\.ts$/;
    const types = readdirSync(join(root, "dist"), { recursive: true, encoding: "utf8" })
      .filter((file) => publicModules.test(file))
      .map((file) => readFileSync(join(root, "dist", file), "utf8"))
      .join("\n");
    // Members the layers share with each other, never meant for users.
    for (const internal of [
      "exceptionTable",
      "backgroundFailed",
      "report(error",
      "finish(request",
      "compiled:",
      "readonly accepted:",
      "table?: HandlerTable",
    ]) {
      expect(types, internal).not.toContain(internal);
    }
    expect(types).toContain("addExceptionHandler(key: HandlerKey");
  });

  it("S-OBS-1: only edgelette/otel imports @opentelemetry/api, the optional peer", () => {
    const built = readdirSync(join(root, "dist"), { recursive: true, encoding: "utf8" });
    const importers = built
      .filter((file) => file.endsWith(".js"))
      .filter((file) =>
        /from "@opentelemetry\//.test(readFileSync(join(root, "dist", file), "utf8")),
      );
    expect(importers.sort()).toEqual(["src/otel/request-span.js", "src/otel/tracing.js"]);
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(manifest.peerDependenciesMeta["@opentelemetry/api"]).toEqual({ optional: true });
    expect(manifest.dependencies["@opentelemetry/api"]).toBeUndefined();
  });

  it("ships only dist/ and no test or example files", () => {
    const files = readdirSync(join(project, "node_modules/edgelette"));
    expect(files.sort()).toEqual(["LICENSE", "README.md", "dist", "package.json"].sort());
  });

  it("S-RT-2: every entry point imports on Node with the same names as the source", async () => {
    const script = `
      const entries = ["edgelette", "edgelette/testing", "edgelette/node", "edgelette/hono", "edgelette/otel"];
      const names = {};
      for (const entry of entries) names[entry] = Object.keys(await import(entry)).sort();
      console.log(JSON.stringify(names));`;
    const built = JSON.parse(run("node", ["--input-type=module", "-e", script], project));
    expect(built.edgelette).toEqual(Object.keys(await import("../../src/index.ts")).sort());
    expect(built["edgelette/testing"]).toEqual(
      Object.keys(await import("../../src/testing/index.ts")).sort(),
    );
    expect(built["edgelette/node"]).toContain("serve");
    expect(built["edgelette/otel"]).toEqual(Object.keys(await import("../../src/otel/index.ts")));
  });

  it("S-VAL-1: a consumer's compiler sees the validated types through the published .d.ts (no any)", () => {
    // @standard-schema/spec is a dependency for this: its types are in edgelette's .d.ts.
    const consumer = `
      import { JSONResponse, Route } from "edgelette";
      // What a validator's schema looks like (zod's, valibot's): the consumer names no spec package.
      type Result = { value: { n: number } } | { issues: ReadonlyArray<{ message: string }> };
      declare const Count: {
        readonly "~standard": {
          readonly version: 1;
          readonly vendor: string;
          readonly validate: (value: unknown) => Result | Promise<Result>;
          readonly types?: { readonly input: unknown; readonly output: { n: number } };
        };
      };
      new Route("/", (_request, ctx) => {
        const n: number = ctx.valid.body.n;
        // @ts-expect-error the output type is { n: number }, not any
        const s: string = ctx.valid.body.n;
        return new JSONResponse({ n, s });
      }, { methods: ["POST"], body: Count });
    `;
    writeFileSync(join(project, "consumer.ts"), consumer);
    const options = ["--noEmit", "--strict", "--module", "nodenext", "--target", "es2022"];
    // No --skipLibCheck: the published .d.ts must compile as a user's project reads them.
    const libs = ["--lib", "es2022,dom", "--types", "", "--ignoreConfig"];
    let errors = "";
    try {
      run(bin("tsc"), [...options, ...libs, "consumer.ts"], project);
    } catch (error) {
      errors = String((error as { stdout?: string }).stdout);
    }
    expect(errors).toBe("");
  });

  it("S-EXC-5: edgelette and edgelette/testing share one class of each exception", () => {
    const script = `
      import * as root from "edgelette";
      import * as testing from "edgelette/testing";
      const names = ["HTTPException", "WebSocketException", "WebSocketDisconnect"];
      console.log(names.every((name) => root[name] === testing[name]) && typeof testing.TestClient);`;
    expect(run("node", ["--input-type=module", "-e", script], project).trim()).toBe("function");
  });
});

interface Started {
  child: ChildProcess;
  url: string;
}

/** Starts a quick start on port 0 and waits for its "listening on URL" line (bounded). */
function start(command: string, args: string[]): Promise<Started> {
  const child = spawn(command, args, { cwd: project, env: { ...process.env, PORT: "0" } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start in 20 s`)), 20_000);
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (\S+)|Ready on (\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({ child, url: (match[1] ?? match[2]) as string });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${command} exited ${code}: ${output}`)));
  });
}

async function checkQuickStart(started: Started): Promise<void> {
  try {
    const hello = await fetch(new URL("/hello/ada", started.url));
    expect(await hello.json()).toEqual({ hello: "ada" });
    const secret = await fetch(new URL("/secret", started.url));
    expect(secret.status).toBe(403);
    expect(await secret.text()).toBe("no entry");
  } finally {
    started.child.kill("SIGTERM");
  }
}

describe("the debug page of a compiled TypeScript app, on plain Node", () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text shown holds a template literal
  const throwLine = "  throw new RangeError(`a cart cannot total ${cart.total}`);";

  for (const flags of [[], ["--enable-source-maps"]]) {
    it(`S-DBG-6: node ${flags.join(" ") || "(no flags)"} shows the .ts line, and edgelette's frames tagged`, async () => {
      const started = await start("node", [...flags, "built/debug-app.js"]);
      try {
        const response = await fetch(new URL("/checkout", started.url));
        const text = await response.text();
        expect(response.status).toBe(500);
        expect(text).toMatch(
          /^RangeError: a cart cannot total -1\n {4}at Route\.checkout( \[as endpoint\])? \(debug-app\.ts:13:\d+\)/,
        );
        expect(text).toContain(`> 13 | ${throwLine}`);
        expect(text).toMatch(/\(node_modules\/edgelette\/dist\/src\/[^)]+\) \[edgelette\]\n/);
      } finally {
        started.child.kill("SIGTERM");
      }
    }, 30_000);
  }
});

describe("the README quick starts, run from the installed tarball", () => {
  it("S-RT-2: Node", async () => {
    await checkQuickStart(await start("node", ["node.mjs"]));
  }, 30_000);

  it("S-RT-2: Deno (which cannot strip types inside node_modules, so this checks the build)", async () => {
    await checkQuickStart(
      await start(bin("deno"), ["run", "--allow-net", "--allow-env", "--allow-read", "deno.ts"]),
    );
  }, 30_000);

  it("S-RT-2: Bun", async () => {
    await checkQuickStart(await start(bin("bun"), ["run", "bun.ts"]));
  }, 30_000);

  it("S-RT-2: Cloudflare Workers (wrangler dev, workerd)", async () => {
    const wrangler = join(root, "node_modules/wrangler/bin/wrangler.js");
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    process.env.WRANGLER_SEND_METRICS = "false";
    await checkQuickStart(
      await start("node", [wrangler, "dev", "--ip", "127.0.0.1", "--port", port]),
    );
  }, 60_000);
});
