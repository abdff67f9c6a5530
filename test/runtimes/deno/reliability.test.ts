// edgelette/deno under attack (issue 19): the shared reliability suite, each test sanitized.
import { serve } from "../../../adapters/deno.ts";
import { reliabilitySuite } from "../../suite/reliability.ts";
import { sanitizedTests } from "./support.ts";

sanitizedTests(
  (api) => reliabilitySuite(api, { runtime: "deno", serve, cutsConnections: false }),
  // Deno 2.9 never ends its own upgrade op (op_http_upgrade_websocket_next) for a 101
  // that reached nobody: the adapter stops waiting for it, but the op stays (docs/websockets.md).
  /leaves before accept/,
);
