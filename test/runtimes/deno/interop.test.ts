// edgelette and Hono both ways, and problem details, in memory on Deno.
import { interopSuite } from "../../suite/interop.ts";
import { sanitizedSuite } from "./support.ts";

sanitizedSuite("Hono interop on Deno", async () => ({
  register: (api) => interopSuite(api, { runtime: "deno" }),
}));
