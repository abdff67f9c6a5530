/**
 * Deno test plumbing: `Deno.test` with its leak sanitizers on (Deno 2.9 turns
 * them off by default), a server per test, shared suites as steps or as
 * tests of their own, and a raw handshake. The WebSocket targets are the
 * shared ones in suite/ws-client.ts.
 */
import { type ServerHandle, serve } from "../../../adapters/deno.ts";
import type { SuiteApi } from "../../suite/api.ts";
import { UPGRADE_HEADERS } from "../../suite/ws-client.ts";

// The slice of the Deno namespace the tests use, so `tsc` needs no Deno types.
interface TestStep {
  step(options: { name: string; fn: (t: TestStep) => unknown } & Sanitizers): Promise<boolean>;
}
type Sanitizers = { sanitizeOps: boolean; sanitizeResources: boolean };
declare const Deno: {
  test(options: { name: string; fn: (t: TestStep) => unknown } & Sanitizers): void;
  env: { set(key: string, value: string): void; delete(key: string): void };
  connect(options: { hostname: string; port: number }): Promise<Connection>;
};
interface Connection {
  write(data: Uint8Array): Promise<number>;
  read(buffer: Uint8Array): Promise<number | null>;
  close(): void;
}
export const env = Deno.env;

const SANITIZED: Sanitizers = { sanitizeOps: true, sanitizeResources: true };

/** A test that fails if it leaves a server, socket, timer or pending op behind. */
export function test(name: string, fn: (t: TestStep) => unknown): void {
  Deno.test({ name, fn, ...SANITIZED });
}

type Servable = Parameters<typeof serve>[0];

/** Serves `app` on 127.0.0.1, port 0, for the length of `fn`. */
export async function withServer<T>(app: Servable, fn: (server: ServerHandle) => Promise<T>) {
  const server = await serve(app, { port: 0 });
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

interface Case {
  name: string;
  body?: () => unknown;
  children?: Case[];
}

/**
 * Runs a shared suite as the steps of one sanitized Deno test: `start` runs
 * first, `stop` last, and the leak check covers everything in between.
 */
export function sanitizedSuite(
  name: string,
  start: () => Promise<{ register(api: SuiteApi): void; stop?(): Promise<void> }>,
): void {
  test(name, async (t) => {
    const { register, stop } = await start();
    try {
      await runSteps(t, collect(register));
    } finally {
      await stop?.();
    }
  });
}

/**
 * Runs a shared suite whose tests start and stop their own servers: each
 * test is a sanitized Deno test of its own, named after its `describe`s.
 */
export function sanitizedTests(
  register: (api: SuiteApi) => void,
  /** Tests whose leaks are Deno's own, named and explained where this is called. */
  leaksOfDeno?: RegExp,
): void {
  const declare = (cases: Case[], prefix: string) => {
    for (const each of cases) {
      const name = `${prefix}${each.name}`;
      if (each.children) declare(each.children, `${name} › `);
      else if (leaksOfDeno?.test(name)) {
        Deno.test({ name, fn: () => each.body?.(), sanitizeOps: false, sanitizeResources: false });
      } else test(name, () => each.body?.());
    }
  };
  declare(collect(register), "");
}

/** The tree of `describe`/`it` calls a suite makes, without running them. */
function collect(register: (api: SuiteApi) => void): Case[] {
  const root: Case[] = [];
  let current = root;
  register({
    describe(name, body) {
      const group: Case = { name, children: [] };
      current.push(group);
      const parent = current;
      current = group.children as Case[];
      body();
      current = parent;
    },
    it(name, body) {
      current.push({ name, body });
    },
  });
  return root;
}

/** Runs cases as nested steps; only the outer test checks for leaks. */
async function runSteps(t: TestStep, cases: Case[]): Promise<void> {
  for (const each of cases) {
    await t.step({
      name: each.name,
      sanitizeOps: false,
      sanitizeResources: false,
      fn: (inner) => (each.children ? runSteps(inner, each.children) : each.body?.()),
    });
  }
}

/** Sends a WebSocket handshake over TCP and returns the response head, then hangs up. */
export async function rawHandshake(port: number, path: string): Promise<string> {
  const lines = Object.entries(UPGRADE_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const request = `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${lines.join("")}\r\n`;
    await conn.write(new TextEncoder().encode(request));
    const buffer = new Uint8Array(4096);
    const read = await conn.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, read ?? 0)).split("\r\n\r\n")[0] ?? "";
  } finally {
    conn.close();
  }
}
