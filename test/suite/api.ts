/**
 * What a behaviour suite needs from a test runner. vitest (Node, workerd),
 * `bun:test` and Deno's `node:test` all provide these, so a suite written
 * against it runs unchanged everywhere. Assertions come from `node:assert/strict`.
 */
export interface SuiteApi {
  describe(name: string, body: () => void): void;
  /** `timeoutMs` for the few tests that must outwait a server's own grace period. */
  it(name: string, body: () => unknown, timeoutMs?: number): void;
}

export type RuntimeName = "node" | "workerd" | "deno" | "bun";

export interface SuiteOptions {
  runtime: RuntimeName;
}
