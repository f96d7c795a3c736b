import type { TraceSpan } from "./queries";

export interface SpanRow {
  span: TraceSpan;
  /** How many ancestors it has in this trace (a parent from another process counts as none). */
  depth: number;
  /** Since the trace began, in ms. */
  offsetMs: number;
}

export type SpanKind = "error" | "sql" | "app";

/** A trace's spans in tree order (each parent followed by its children, by start time). */
export function layoutSpans(spans: TraceSpan[]): { rows: SpanRow[]; totalMs: number } {
  const startMs = Math.min(...spans.map((s) => s.startMs));
  const endMs = Math.max(...spans.map((s) => s.startMs + s.durationMs));
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, TraceSpan[]>();
  for (const span of spans) {
    const parent =
      span.parentSpanId !== null && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    const siblings = children.get(parent) ?? [];
    siblings.push(span);
    children.set(parent, siblings);
  }

  const rows: SpanRow[] = [];
  const visited = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    const level = [...(children.get(parent) ?? [])].sort((a, b) => a.startMs - b.startMs);
    for (const span of level) {
      if (visited.has(span.spanId)) continue;
      visited.add(span.spanId);
      rows.push({ span, depth, offsetMs: span.startMs - startMs });
      walk(span.spanId, depth + 1);
    }
  };
  walk(null, 0);
  return { rows, totalMs: Math.max(endMs - startMs, 0.001) };
}

export function spanKind(span: TraceSpan): SpanKind {
  if (span.error) return "error";
  return "db.query.text" in span.attributes || "db.system" in span.attributes ? "sql" : "app";
}
