// The shared Hono interop and problem-details suite on Bun, in memory.
import { describe, it } from "bun:test";
import { interopSuite } from "../../suite/interop.ts";

interopSuite({ describe, it }, { runtime: "bun" });
