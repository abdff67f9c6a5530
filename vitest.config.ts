import { defineConfig } from "vitest/config";

// One `vitest run` drives every runtime: Node in-process here, and the
// projects for workerd, Deno and Bun are added as those suites land.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/runtimes/**", "node_modules/**"],
          environment: "node",
        },
      },
    ],
  },
});
