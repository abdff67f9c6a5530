// The over-the-wire HTTP slice on Node: createWireApp() served by edgelette/node, reached with fetch.
import { afterAll, describe, it } from "vitest";
import { serve } from "../../../adapters/node.ts";
import { streamWireSuite } from "../../suite/stream-wire.ts";
import { wireSuite } from "../../suite/wire.ts";
import { createWireApp } from "../../suite/wire-app.ts";

const server = await serve(createWireApp(), { port: 0 });
afterAll(() => server.close());

wireSuite({ describe, it }, { baseUrl: () => server.url.origin });
streamWireSuite({ describe, it }, { baseUrl: () => server.url.origin, seesClientLeave: true });
