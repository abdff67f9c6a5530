// The over-the-wire HTTP slice: Deno's fetch against createWireApp() served by Deno's serve().
import { serve } from "../../../adapters/deno.ts";
import { wireSuite } from "../../suite/wire.ts";
import { createWireApp } from "../../suite/wire-app.ts";
import { sanitizedSuite } from "./support.ts";

sanitizedSuite("HTTP over the wire on Deno", async () => {
  const server = await serve(createWireApp(), { port: 0 });
  const baseUrl = () => server.url.href.replace(/\/$/, "");
  return { register: (api) => wireSuite(api, { baseUrl }), stop: () => server.close() };
});
