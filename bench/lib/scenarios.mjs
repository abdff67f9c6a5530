// The scenarios as compiled for Node by bench/run.mjs (bench/tsconfig.node.json): import after the build.
export * from "../../node_modules/.cache/edgelette-bench/bench/scenarios.js";
