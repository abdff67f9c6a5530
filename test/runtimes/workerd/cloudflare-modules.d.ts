// The root `tsc` checks these tests without the Workers types (they clash with
// DOM and Node's types), so this declares the slice of workerd's modules used here.

declare module "cloudflare:test" {
  interface TestExecutionContext {
    waitUntil(promise: Promise<unknown>): void;
    passThroughOnException(): void;
    readonly props: unknown;
  }
  export function createExecutionContext(): TestExecutionContext;
  /** Waits until every promise handed to `ctx.waitUntil` has settled. */
  export function waitOnExecutionContext(ctx: TestExecutionContext): Promise<void>;
}

declare module "cloudflare:workers" {
  /** The test worker's bindings (`vars` in wrangler.jsonc). */
  export const env: Record<string, unknown>;
  /** The test worker's own handlers, called through workerd as a request from outside. */
  export const exports: {
    default: { fetch(input: string | Request, init?: RequestInit): Promise<Response> };
  };
}
