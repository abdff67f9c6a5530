// The stress target on workerd: bundled by wrangler, served by Miniflare (workerd-host.mjs).
import { worker } from "../../adapters/cloudflare.ts";
import { createTarget } from "../target.ts";

export default worker(createTarget().app);
