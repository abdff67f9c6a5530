// The shared HTTP behaviour suite inside workerd, in memory.
import { describe, it } from "vitest";
import { httpSuite } from "../../suite/http/index.ts";

httpSuite(
  { describe, it },
  {
    runtime: "workerd",
    watchUnhandledRejections(listener) {
      const onRejection = (event: PromiseRejectionEvent) => listener(event.reason);
      addEventListener("unhandledrejection", onRejection);
      return () => removeEventListener("unhandledrejection", onRejection);
    },
  },
);
