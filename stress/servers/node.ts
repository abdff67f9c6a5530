// The stress target on node: `npm run stress` starts this and stops it by PID.
import { serve } from "../../adapters/node.ts";
import { serveTarget } from "./serve-target.ts";

await serveTarget(serve);
