// The over-the-wire HTTP slice: Deno's fetch against createWireApp() served by Deno's serve().

import { serve } from "../../../adapters/deno.ts";
import type { SuiteApi } from "../../suite/api.ts";
import { streamWireSuite } from "../../suite/stream-wire.ts";
import { wireSuite } from "../../suite/wire.ts";
import { createWireApp } from "../../suite/wire-app.ts";
import { sanitizedSuite } from "./support.ts";

sanitizedSuite("HTTP over the wire on Deno", async () => {
  const server = await serve(createWireApp(), { port: 0 });
  const baseUrl = () => server.url.href.replace(/\/$/, "");
  const register = (api: SuiteApi) => {
    wireSuite(api, { baseUrl });
    streamWireSuite(api, { baseUrl, seesClientLeave: true });
  };
  return { register, stop: () => server.close() };
});
