import {
  type Context,
  context,
  type Link,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";

/**
 * The reserved key of an event's data holding the W3C `traceparent` of the request that
 * recorded it: the function's spans link back to that request. No event schema uses it.
 */
export const TRACEPARENT_KEY = "_traceparent";

/** Looked up on each use, as packages/trpc's: a tracer held from import time may stay no-op. */
function tracer() {
  return trace.getTracer("brisk-jobs");
}

/** The active span's `traceparent`, when a recorded span is active (a traced request). */
export function activeTraceparent(): string | undefined {
  const span = trace.getSpan(context.active());
  if (!span?.isRecording()) return undefined;
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, "0")}`;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A link to the span a `traceparent` names; none for a missing or malformed one. */
function linkTo(traceparent: unknown): Link[] {
  const match = typeof traceparent === "string" ? TRACEPARENT.exec(traceparent) : null;
  if (!match) return [];
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  return [{ context: { traceId, spanId, traceFlags: Number.parseInt(flags, 16), isRemote: true } }];
}

export interface RunAttributes {
  functionId: string;
  runId: string;
  attempt: number;
  /** The event's data, whose reserved key may name the request that sent it. */
  data: Record<string, unknown>;
}

/**
 * One request of a run, as a span (`job <function>`), linked to the request that recorded
 * the event. Inngest calls the function once per step, and after a step runs the SDK answers
 * without the handler returning, so `end` is called then as well as when the handler settles.
 */
export function startRunSpan(run: RunAttributes) {
  const span = tracer().startSpan(`job ${run.functionId}`, {
    kind: SpanKind.CONSUMER,
    links: linkTo(run.data[TRACEPARENT_KEY]),
    attributes: {
      "brisk.job.function": run.functionId,
      "brisk.job.run_id": run.runId,
      "brisk.job.attempt": run.attempt,
    },
  });
  let ended = false;
  return {
    context: trace.setSpan(context.active(), span),
    end(error?: unknown) {
      if (ended) return;
      ended = true;
      if (error !== undefined) fail(span, error);
      span.end();
    },
  };
}

/** `work` as a child span of the run (`step <id>`), failed with its error's message. */
export async function inStepSpan<T>(
  parent: Context,
  attributes: { functionId: string; runId: string; attempt: number; stepId: string },
  work: () => Promise<T>,
): Promise<T> {
  const span = tracer().startSpan(
    `step ${attributes.stepId}`,
    {
      attributes: {
        "brisk.job.function": attributes.functionId,
        "brisk.job.run_id": attributes.runId,
        "brisk.job.attempt": attributes.attempt,
        "brisk.job.step_id": attributes.stepId,
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    fail(span, error);
    throw error;
  } finally {
    span.end();
  }
}

function fail(span: Span, error: unknown) {
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}
