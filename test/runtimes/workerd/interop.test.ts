import { describe, it } from "vitest";
import { interopSuite } from "../../suite/interop.ts";

interopSuite({ describe, it }, { runtime: "workerd" });
