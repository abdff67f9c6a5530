// The shared debug-source suite on Deno, with the Deno adapter's reader.
import { serve } from "../../../adapters/deno.ts";
import { createSourceReader } from "../../../src/debug/source-reader.ts";
import { debugSourceSuite } from "../../suite/debug-source.ts";
import { sanitizedTests } from "./support.ts";

declare const Deno: { cwd(): string; readTextFileSync(path: string): string };

sanitizedTests((api) =>
  debugSourceSuite(api, {
    runtime: "deno",
    reader: createSourceReader(Deno.cwd(), (path) => Deno.readTextFileSync(path)),
    serve,
  }),
);
