// edgelette/otel on Bun, with the OpenTelemetry SDK's in-memory exporter.
import { describe, it } from "bun:test";
import { otelSuite } from "../../suite/otel.ts";

otelSuite({ describe, it }, { runtime: "bun" });
