// The shared interop suite (edgelette ⇄ Hono, problem details) on Node, in memory.
import { describe, it } from "vitest";
import { interopSuite } from "../../suite/interop.ts";

interopSuite({ describe, it }, { runtime: "node" });
