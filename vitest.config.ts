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
          ],
          environment: "node",
        },
      },
    ],
  },
});
