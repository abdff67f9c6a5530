import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// One `vitest run` drives Node (unit tests, the in-process suite, the Node
// server) and workerd (the workers pool). Deno and Bun run their own test
// runners from `npm test`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: [
            "node_modules/**",
            "test/runtimes/deno/**",
            "test/runtimes/bun/**",
            "test/runtimes/workerd/**",
            "test/runtimes/workerd-rooms/**",
          ],
          environment: "node",
        },
      },
      {
        // Tests run inside workerd, in the same isolate as the test worker.
        plugins: [
          cloudflareTest({
            main: "./test/runtimes/workerd/worker.ts",
            wrangler: { configPath: "./test/runtimes/workerd/wrangler.jsonc" },
          }),
        ],
        test: {
          name: "workerd",
          include: ["test/runtimes/workerd/**/*.test.ts"],
        },
      },
      {
        // Durable Object rooms (SPEC S-WS-11) and the chat example, inside workerd.
        plugins: [
          cloudflareTest({
            main: "./test/runtimes/workerd-rooms/worker.ts",
            wrangler: { configPath: "./test/runtimes/workerd-rooms/wrangler.jsonc" },
          }),
        ],
        test: {
          name: "workerd-rooms",
          include: ["test/runtimes/workerd-rooms/**/*.test.ts"],
        },
      },
    ],
  },
});
