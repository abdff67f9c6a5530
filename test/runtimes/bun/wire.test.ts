// The over-the-wire HTTP slice: createWireApp() served by edgelette/bun, Bun's fetch as client.
import { afterAll, describe, it } from "bun:test";
import { serve } from "../../../adapters/bun.ts";
import { streamWireSuite } from "../../suite/stream-wire.ts";
import { wireSuite } from "../../suite/wire.ts";
import { createWireApp } from "../../suite/wire-app.ts";

const server = await serve(createWireApp(), { port: 0 });
afterAll(() => server.close());

wireSuite({ describe, it }, { baseUrl: () => server.url.origin });
streamWireSuite({ describe, it }, { baseUrl: () => server.url.origin, seesClientLeave: true });
