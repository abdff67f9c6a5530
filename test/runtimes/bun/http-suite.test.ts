// The shared HTTP behaviour suite on Bun, in memory.
import { describe, it } from "bun:test";
import { httpSuite } from "../../suite/http/index.ts";

httpSuite(
  { describe, it },
  {
    runtime: "bun",
    watchUnhandledRejections(listener) {
      process.on("unhandledRejection", listener);
      return () => process.off("unhandledRejection", listener);
    },
  },
);
