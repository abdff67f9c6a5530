/**
 * The debug page's frames on a real runtime (S-DBG-6): a compiled TypeScript
 * file that throws shows its `.ts` line, through the `.js.map` beside it or an
 * inline map; frames are sorted into the user's, edgelette's, dependencies',
 * the runtime's and wrangler's bundle; and the runtime's adapter lends the
 * page its file reading. Runs on Node, Deno and Bun.
 */
import assert from "node:assert/strict";
import { RequestContext } from "../../src/context.ts";
import { SOURCE_READER, type SourceReader } from "../../src/debug/source-reader.ts";
import { renderTracebackText, tracebackResponse } from "../../src/debug/traceback.ts";
import type { ServeOptions, ServerHandle } from "../../src/server/execution-context.ts";
import type { Fetchable } from "../../src/types.ts";
import type { RuntimeName, SuiteApi } from "./api.ts";

export interface DebugSourceTarget {
  runtime: RuntimeName;
  /** The runtime's own reader, as its adapter builds it. */
  reader: SourceReader;
  serve(app: Fetchable, options?: ServeOptions): Promise<ServerHandle>;
}

type CheckOrder = (order: { id: number; total: number }) => number;

const FIXTURES = new URL("../fixtures/thrower/", import.meta.url);
const COMPILED = new URL("dist/thrower.js", FIXTURES);
const INLINE = new URL("dist-inline/thrower.js", FIXTURES);
/** The TypeScript line that throws, and one only TypeScript has, above it. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the source text shown holds a template literal
const THROW_LINE = "    throw new RangeError(`order ${order.id} has a negative total`);";
const TYPED_LINE = "export function checkOrder(order: Order): number {";

async function thrownBy(url: URL): Promise<unknown> {
  const { checkOrder } = (await import(url.href)) as { checkOrder: CheckOrder };
  try {
    checkOrder({ id: 7, total: -1 });
  } catch (error) {
    return error;
  }
  throw new Error("checkOrder should have thrown");
}

const request = () => new Request("http://testserver/orders/7");

function pathOf(url: URL): string {
  return decodeURIComponent(url.pathname);
}

/** The frame line of `file` and the source lines printed under it. */
function frameWithSource(text: string, file: string): string {
  const start = text.indexOf(`(${file}:`);
  assert.ok(start > 0, `no frame in ${file}:\n${text}`);
  const end = text.indexOf("\n    at ", start);
  return text.slice(text.lastIndexOf("\n", start) + 1, end === -1 ? undefined : end);
}

export function debugSourceSuite({ describe, it }: SuiteApi, target: DebugSourceTarget): void {
  const ctx = { executionCtx: { [SOURCE_READER]: target.reader } };

  describe(`debug page sources on ${target.runtime}`, () => {
    it("S-DBG-6: a compiled TypeScript file that throws shows its .ts line, through the .js.map beside it", async () => {
      const text = renderTracebackText(await thrownBy(COMPILED), request(), ctx);
      const frame = frameWithSource(text, "test/fixtures/thrower/thrower.ts");
      assert.match(frame, /at checkOrder \(test\/fixtures\/thrower\/thrower\.ts:11:\d+\)/);
      assert.ok(frame.includes(`> 11 | ${THROW_LINE}`), frame);
      assert.ok(frame.includes(`   9 | ${TYPED_LINE}`), frame);
    });

    it("S-DBG-6: an inline source map with the source embedded gives the .ts line too", async () => {
      const text = renderTracebackText(await thrownBy(INLINE), request(), ctx);
      const frame = frameWithSource(text, "test/fixtures/thrower/thrower.ts");
      assert.ok(frame.includes(`> 11 | ${THROW_LINE}`), frame);
    });

    it("S-DBG-6: a stack naming the compiled file is mapped by edgelette itself, saying from where", () => {
      const error = new RangeError("mapped here");
      error.stack = `RangeError: mapped here\n    at checkOrder (${pathOf(COMPILED)}:3:15)`;
      const text = renderTracebackText(error, request(), ctx);
      assert.match(
        text,
        /at checkOrder \(test\/fixtures\/thrower\/thrower\.ts:11:\d+\) \(from test\/fixtures\/thrower\/dist\/thrower\.js:3:15\)\n/,
      );
      assert.ok(text.includes(`> 11 | ${THROW_LINE}`), text);
    });

    it("S-DBG-6: frames are the user's, edgelette's, a dependency's, the runtime's; paths relative to the root", () => {
      const root = target.reader.root;
      const edgelette = pathOf(new URL("../../src/app.ts", import.meta.url));
      const error = new Error("sorted");
      error.stack = [
        "Error: sorted",
        `    at handler (${root}/examples/demo/app.ts:56:9)`,
        `    at App.fetch (file://${edgelette}:10:5)`,
        `    at parse (${root}/node_modules/some-lib/index.js:1:1)`,
        "    at Server.emit (node:events:524:28)",
        "    at op (ext:deno_http/00_serve.ts:1:1)",
        "    at processTicksAndRejections (native:7:39)",
        "    at Object.fetch (index.js:12:3)",
      ].join("\n");
      const text = renderTracebackText(error, request(), ctx);
      assert.match(text, /\n {4}at handler \(examples\/demo\/app\.ts:56:9\)\n/);
      assert.match(text, /\n {4}at App\.fetch \(src\/app\.ts:10:5\) \[edgelette\]\n/);
      assert.match(
        text,
        /\n {4}at parse \(node_modules\/some-lib\/index\.js:1:1\) \[dependency\]\n/,
      );
      assert.match(text, /\n {4}at Server\.emit \(node:events:524:28\) \[runtime\]\n/);
      assert.match(text, /\n {4}at op \(ext:deno_http\/00_serve\.ts:1:1\) \[runtime\]\n/);
      // Only the user's frames carry source lines in text.
      assert.doesNotMatch(text, /\[edgelette\]\n\s+>?\s*\d+ \|/);
    });

    it("S-DBG-6: a frame in wrangler's bundle says why there is no source, never naming the bundle as a file", () => {
      const error = new Error("in the bundle");
      error.stack =
        "Error: in the bundle\n    at Route.crash (file:///home/me/app/.wrangler/tmp/dev-RXB0O3/worker.js:2849:9)";
      const text = renderTracebackText(error, request(), ctx);
      assert.match(text, /at Route\.crash \(<wrangler bundle>:2849:9\) \[bundle\]/);
      assert.doesNotMatch(text, /\.wrangler\/tmp|worker\.js/);
      assert.match(text, /No source: under wrangler dev/);
    });

    it("S-DBG-6: the runtime's adapter lends the page its files: a served traceback shows the .ts line", async () => {
      const { checkOrder } = (await import(COMPILED.href)) as { checkOrder: CheckOrder };
      // A bare fetch handler, not a debug App: building one turns stack capture on for the
      // whole process, and Bun runs every test file in one.
      const handler = {
        fetch(request: Request, _env: unknown, executionCtx: unknown): Response {
          try {
            return new Response(String(checkOrder({ id: 7, total: -1 })));
          } catch (error) {
            return tracebackResponse(request, error, new RequestContext(request, {}, executionCtx));
          }
        },
      };
      const server = await target.serve(handler, { port: 0 });
      try {
        const response = await fetch(new URL("/orders/7", server.url), {
          headers: { accept: "*/*" },
        });
        const text = await response.text();
        assert.equal(response.status, 500);
        assert.ok(text.includes(`> 11 | ${THROW_LINE}`), text);
      } finally {
        await server.close();
      }
    });
  });
}
