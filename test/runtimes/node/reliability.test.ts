// edgelette/node under attack (issue 19): the shared reliability suite, raw TCP clients.
import { describe, it } from "vitest";
import { serve } from "../../../adapters/node.ts";
import { reliabilitySuite } from "../../suite/reliability.ts";

reliabilitySuite({ describe, it }, { runtime: "node", serve, cutsConnections: true });
