import type { Context } from "@opentelemetry/api";
import { hrTimeToMilliseconds } from "@opentelemetry/core";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";

export interface TraceSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  startMs: number;
  durationMs: number;
  error: boolean;
  attributes: Record<string, string | number | boolean>;
}

export interface RecentTrace {
  traceId: string;
  name: string;
  startedAt: string;
  durationMs: number;
  error: boolean;
  spans: TraceSpan[];
}

const MAX_OPEN_TRACES = 1_000;
const MAX_SPANS_PER_TRACE = 200;

function toTraceSpan(span: ReadableSpan): TraceSpan {
  const attributes: TraceSpan["attributes"] = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      attributes[key] = value;
    }
  }
  return {
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    startMs: hrTimeToMilliseconds(span.startTime),
    durationMs: hrTimeToMilliseconds(span.duration),
    error: span.status.code === 2,
    attributes,
  };
}

/**
 * Keeps the most recent slow traces in memory for the Ops page, whether or not an exporter
 * is configured. Spans are gathered per trace until its local root ends; the trace is kept
 * if the root took at least `slowMs`. Memory is bounded: open traces, spans per trace and
 * kept traces are all capped.
 */
export class RecentTraces implements SpanProcessor {
  private readonly open = new Map<string, ReadableSpan[]>();
  private readonly kept: RecentTrace[] = [];

  constructor(private readonly options: { slowMs: number; capacity: number }) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    const { traceId } = span.spanContext();
    let spans = this.open.get(traceId);
    if (!spans) {
      if (this.open.size >= MAX_OPEN_TRACES) {
        const oldest = this.open.keys().next().value;
        if (oldest !== undefined) this.open.delete(oldest);
      }
      spans = [];
      this.open.set(traceId, spans);
    }
    if (spans.length < MAX_SPANS_PER_TRACE) spans.push(span);

    const isLocalRoot = !span.parentSpanContext || span.parentSpanContext.isRemote;
    if (!isLocalRoot) return;
    this.open.delete(traceId);
    const durationMs = hrTimeToMilliseconds(span.duration);
    if (durationMs < this.options.slowMs) return;
    const mapped = spans.map(toTraceSpan).sort((a, b) => a.startMs - b.startMs);
    this.kept.unshift({
      traceId,
      name: span.name,
      startedAt: new Date(hrTimeToMilliseconds(span.startTime)).toISOString(),
      durationMs,
      error: mapped.some((s) => s.error),
      spans: mapped,
    });
    if (this.kept.length > this.options.capacity) this.kept.pop();
  }

  /** Newest first. */
  list(): RecentTrace[] {
    return [...this.kept];
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.open.clear();
    return Promise.resolve();
  }
}
