// edgelette/otel on Node, with the OpenTelemetry SDK's in-memory exporter.
import { describe, it } from "vitest";
import { otelSuite } from "../../suite/otel.ts";

otelSuite({ describe, it }, { runtime: "node" });
