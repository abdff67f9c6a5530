// The shared HTTP behaviour suite on Node, in memory, with edgelette/node loaded:
// edgelette's text responses then make their body streams only when read.
import { describe, it } from "vitest";
import "../../../adapters/node.ts";
import { httpSuite } from "../../suite/http/index.ts";

httpSuite(
  { describe, it },
  {
    runtime: "node",
    watchUnhandledRejections(listener) {
      process.on("unhandledRejection", listener);
      return () => process.off("unhandledRejection", listener);
    },
  },
);
