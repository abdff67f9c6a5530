// The shared HTTP behaviour suite on Deno, in memory, as steps of one leak-checked test.
import { httpSuite } from "../../suite/http/index.ts";
import { sanitizedSuite } from "./support.ts";

sanitizedSuite("HTTP behaviour on Deno", async () => ({
  register: (api) =>
    httpSuite(api, {
      runtime: "deno",
      watchUnhandledRejections(listener) {
        // Handled here, so a framework bug fails the test instead of ending the process.
        const onRejection = (event: PromiseRejectionEvent) => {
          event.preventDefault();
          listener(event.reason);
        };
        addEventListener("unhandledrejection", onRejection);
        return () => removeEventListener("unhandledrejection", onRejection);
      },
    }),
}));
