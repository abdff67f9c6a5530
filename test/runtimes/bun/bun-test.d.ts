// The slice of `bun:test` these files use, so `tsc` (which has no Bun types) can check them.
declare module "bun:test" {
  export function describe(name: string, body: () => void): void;
  export function it(name: string, body: () => unknown, timeoutMs?: number): void;
  export function afterAll(body: () => unknown): void;
}
