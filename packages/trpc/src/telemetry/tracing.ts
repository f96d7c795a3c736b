import { context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";

/**
 * Looked up on each use, never held from import time: the SDK (CommonJS) and this code (ESM)
 * load separate copies of @opentelemetry/api, and a tracer taken before `startTracing` would
 * stay bound to the copy whose provider is never set.
 */
export function tracer() {
  return trace.getTracer("brisk-api");
}

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT); nothing is exported without it. */
  otlpEndpoint?: string | undefined;
  /** Share of new traces kept; a caller's sampling decision is always followed. */
  sampleRatio: number;
  /** Always on: the in-process buffer behind the Ops page, and test exporters. */
  processors: SpanProcessor[];
}

/**
 * Starts the OpenTelemetry SDK: spans from Brisk's own instrumentation (procedures, SQL
 * statements, loader batches) and from outbound fetch (undici), sampled parent-based.
 */
export function startTracing(options: TracingOptions) {
  const processors = [...options.processors];
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/$/, "")}/v1/traces`;
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ "service.name": options.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors: processors,
    // Traces only. Left unset, the SDK would add OTLP metric and log exporters aimed at
    // localhost:4318 whatever the env says: metrics go to Prometheus (prom-client), and on
    // SIGTERM the SDK spent 7–8 s retrying the undici metrics' last export to no collector.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [new UndiciInstrumentation()],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

/** `SELECT users`, from the statement's verb and first table, as OTel's DB conventions ask. */
function statementSpanName(statement: string): string {
  const verb = /^\s*(\w+)/.exec(statement)?.[1]?.toUpperCase() ?? "SQL";
  const table = /\b(?:from|into|update|table)\s+"?(\w+)"?/i.exec(statement)?.[1];
  return table ? `${verb} ${table}` : verb;
}

/**
 * A finished SQL statement as a child of whatever span awaited it (the procedure, or a
 * loader batch). Drizzle sends values as parameters, so the text carries no literals.
 */
export function recordStatementSpan(
  statement: string,
  seconds: number,
  ok: boolean,
  rows: number | undefined,
  database: string,
) {
  // Nothing to record under an unrecorded call (most of them, at production sampling): skip
  // the name, the attributes and the span.
  if (!trace.getSpan(context.active())?.isRecording()) return;
  const end = performance.timeOrigin + performance.now();
  const span = tracer().startSpan(
    statementSpanName(statement),
    {
      kind: SpanKind.CLIENT,
      startTime: end - seconds * 1000,
      attributes: {
        "db.system": "postgresql",
        "db.system.name": "postgresql",
        "db.namespace": database,
        "db.query.text": statement,
        ...(rows === undefined ? {} : { "db.response.returned_rows": rows }),
      },
    },
    context.active(),
  );
  if (!ok) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(end);
}

/** Marks a span failed with the error's message, without its stack or values. */
export function failSpan(span: Span, code: string, message: string) {
  span.setAttribute("rpc.trpc.error_code", code);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
