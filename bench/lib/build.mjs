/**
 * Node 20 cannot run TypeScript, so the bench and the sources it imports are
 * compiled with the project's own tsc (bench/tsconfig.node.json, `noCheck`:
 * the type check is `npm test`'s job) into node_modules/.cache. That is the
 * compiler and output of `npm run build`, i.e. what Node users of the package
 * run, and it keeps one file per source file, so CPU profiles name src/ files.
 * Deno and Bun run the TypeScript sources directly.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { NODE_BUILD, ROOT, run } from "./processes.mjs";

export async function buildForNode() {
  const tsc = `${ROOT}node_modules/typescript/bin/tsc`;
  try {
    await run(process.execPath, [tsc, "-p", "bench/tsconfig.node.json"], { timeoutMs: 120_000 });
  } catch (error) {
    // With noCheck only syntax errors fail the build, and the files are emitted anyway.
    console.warn(`tsc reported problems (continuing with what it emitted):\n${error.message}`);
  }
  mkdirSync(NODE_BUILD, { recursive: true });
  writeFileSync(`${NODE_BUILD}package.json`, '{ "type": "module" }\n');
}
