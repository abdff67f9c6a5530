import { worker } from "../../adapters/cloudflare.ts";
import { app } from "./app.ts";

// `export default app` serves HTTP on Workers; `worker(app)` adds WebSockets.
export default worker(app);
