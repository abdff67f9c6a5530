// The stress target on workerd: bundled by wrangler, served by workerd itself (workerd-host.mjs).
import { worker } from "../../adapters/cloudflare.ts";
import { createTarget } from "../target.ts";

// workerd has no server-side request timeout: the App's own answers the never-settling route.
export default worker(createTarget({ requestTimeout: 1000 }).app);
