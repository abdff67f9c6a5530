// The shared debug-source suite on Bun, with the Bun adapter's reader.
import { describe, it } from "bun:test";
import { readFileSync } from "node:fs";
import { serve } from "../../../adapters/bun.ts";
import { createSourceReader } from "../../../src/debug/source-reader.ts";
import { debugSourceSuite } from "../../suite/debug-source.ts";

debugSourceSuite(
  { describe, it },
  {
    runtime: "bun",
    reader: createSourceReader(process.cwd(), (path) => readFileSync(path, "utf8")),
    serve,
  },
);
