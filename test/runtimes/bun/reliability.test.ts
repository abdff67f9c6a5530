// edgelette/bun under attack (issue 19): the shared reliability suite, raw TCP clients.
import { describe, it } from "bun:test";
import { serve } from "../../../adapters/bun.ts";
import { reliabilitySuite } from "../../suite/reliability.ts";

reliabilitySuite({ describe, it }, { runtime: "bun", serve, cutsConnections: true });
