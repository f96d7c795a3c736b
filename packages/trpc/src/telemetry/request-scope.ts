import { context, createContextKey } from "@opentelemetry/api";

interface RequestTiming {
  startedAt: number;
  dbSeconds: number;
}

// Per HTTP request: statements add their time here, and the response's Server-Timing reads it.
// It rides in the OpenTelemetry context the request's span is already carried in, so a
// request costs one context scope, not two. With telemetry off there is no context manager:
// no timing, as there are no statement timings to add up either.
const TIMING = createContextKey("brisk.request-timing");

/** `parent` (the request's span context) with a fresh timing for this request. */
export function withRequestTiming(parent: ReturnType<typeof context.active>) {
  return parent.setValue(TIMING, { startedAt: performance.now(), dbSeconds: 0 });
}

function timing() {
  return context.active().getValue(TIMING) as RequestTiming | undefined;
}

export function addDatabaseTime(seconds: number) {
  const current = timing();
  if (current) current.dbSeconds += seconds;
}

/** `db;dur=12.3, total;dur=45.6` (milliseconds), for the Server-Timing header. */
export function serverTiming(): string | undefined {
  const current = timing();
  if (!current) return undefined;
  const total = performance.now() - current.startedAt;
  return `db;dur=${(current.dbSeconds * 1000).toFixed(1)}, total;dur=${total.toFixed(1)}`;
}
