// The stress target on deno: `npm run stress` starts this and stops it by PID.
import { serve } from "../../adapters/deno.ts";
import { serveTarget } from "./serve-target.ts";

await serveTarget(serve);
