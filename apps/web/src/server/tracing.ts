import "server-only";
import { startTracing } from "@brisk/trpc/tracing";
import { telemetryEnv } from "@/env";

/**
 * The dashboard server's traces: in-process procedure calls, and the /trpc forward to
 * apps/api, whose traceparent the api continues. With no collector configured there is
 * nowhere to send spans, so nothing starts.
 */
export function startServerTracing() {
  const env = telemetryEnv();
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return;
  startTracing({
    serviceName: env.OTEL_SERVICE_NAME,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampleRatio: env.OTEL_TRACES_SAMPLER_ARG,
    processors: [],
  });
}
