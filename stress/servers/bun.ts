// The stress target on bun: `npm run stress` starts this and stops it by PID.
import { serve } from "../../adapters/bun.ts";
import { serveTarget } from "./serve-target.ts";

await serveTarget(serve);
