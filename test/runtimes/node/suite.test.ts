// The shared HTTP behaviour suite on Node, in memory.
import { describe, it } from "vitest";
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
