// edgelette/otel on Deno, with the OpenTelemetry SDK's in-memory exporter, as steps of one leak-checked test.
import { otelSuite } from "../../suite/otel.ts";
import { sanitizedSuite } from "./support.ts";

sanitizedSuite("OpenTelemetry spans on Deno", async () => ({
  register: (api) => otelSuite(api, { runtime: "deno" }),
}));
