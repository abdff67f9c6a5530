// The root `tsc` checks these tests without the Workers types; this adds the
// pool helpers used here to the slice declared in ../workerd/cloudflare-modules.d.ts.

declare module "cloudflare:test" {
  /** Runs `callback` inside the object `stub` points to, with its instance and `ctx`. */
  export function runInDurableObject<Instance, Result>(
    stub: unknown,
    callback: (instance: Instance, state: unknown) => Result | Promise<Result>,
  ): Promise<Result>;
  /** Resets every Durable Object instance; persisted storage is kept. */
  export function abortAllDurableObjects(): Promise<void>;
}
