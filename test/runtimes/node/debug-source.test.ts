// The shared debug-source suite on Node, with the Node adapter's reader.
import { readFileSync } from "node:fs";
import { describe, it } from "vitest";
import { serve } from "../../../adapters/node.ts";
import { createSourceReader } from "../../../src/debug/source-reader.ts";
import { debugSourceSuite } from "../../suite/debug-source.ts";

debugSourceSuite(
  { describe, it },
  {
    runtime: "node",
    reader: createSourceReader(process.cwd(), (path) => readFileSync(path, "utf8")),
    serve,
  },
);
