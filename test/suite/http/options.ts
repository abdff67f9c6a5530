import type { SuiteOptions } from "../api.ts";

/** Stops listening. */
export type Unsubscribe = () => void;

/** What a runtime entry tells the HTTP suite, beyond its name. */
export interface HttpSuiteOptions extends SuiteOptions {
  /**
   * Subscribes to the runtime's unhandled-rejection event, for S-REP-4
   * (Node and Bun: `process.on("unhandledRejection")`; Deno and workerd:
   * `addEventListener("unhandledrejection")`). Without it the suite still
   * checks that every promise the framework hands out settles cleanly.
   */
  watchUnhandledRejections?: (listener: (reason: unknown) => void) => Unsubscribe;
}
