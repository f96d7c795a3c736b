"use client";

import { type CSSProperties, useState } from "react";
import { formatClock, formatMs } from "./format";
import type { RecentTrace } from "./queries";
import { niceStep } from "./scale";
import { layoutSpans, type SpanRow, spanKind } from "./spans";

const kindLabels = { app: "Request, procedure, loader", sql: "SQL statement", error: "Failed" };

/**
 * A trace's spans on one time axis: each bar starts where the span started and is as long as
 * it lasted, indented under its parent. Hovering a span previews its attributes; clicking
 * keeps them shown.
 */
export function Waterfall({ trace }: { trace: RecentTrace }) {
  const { rows, totalMs } = layoutSpans(trace.spans);
  const [pinned, setPinned] = useState<string | null>(null);
  const [hovered, setHovered] = useState<string | null>(null);
  const shown =
    rows.find((row) => row.span.spanId === (hovered ?? pinned)) ??
    rows.find((row) => spanKind(row.span) === "sql") ??
    rows[0];

  const step = niceStep(totalMs / 5);
  const ticks = Array.from({ length: Math.floor(totalMs / step) + 1 }, (_, i) => i * step);
  const at = (ms: number) => `${(ms / totalMs) * 100}%`;

  return (
    <section className="card waterfall" aria-labelledby="waterfall-title" data-testid="waterfall">
      <header className="waterfall-header">
        <div>
          <h3 id="waterfall-title" className="waterfall-title">
            {trace.name}
          </h3>
          <p className="muted small">
            {formatClock(trace.startedAt)} · {formatMs(trace.durationMs)} · {trace.spans.length}{" "}
            {trace.spans.length === 1 ? "span" : "spans"} · trace{" "}
            <code className="trace-id">{trace.traceId}</code>
          </p>
        </div>
        <ul className="waterfall-legend" aria-label="Span colours">
          {Object.entries(kindLabels).map(([kind, label]) => (
            <li key={kind}>
              <span className={`span-swatch span-${kind}`} aria-hidden="true" />
              {label}
            </li>
          ))}
        </ul>
      </header>

      <div className="waterfall-axis" aria-hidden="true">
        <span />
        <span className="waterfall-ticks">
          {ticks.map((ms) => (
            <span key={ms} className="waterfall-tick" style={{ left: at(ms) }}>
              {formatMs(ms)}
            </span>
          ))}
        </span>
      </div>

      <ol
        className="waterfall-rows"
        aria-label="Spans"
        style={{ "--tick": at(step) } as CSSProperties}
        onMouseLeave={() => setHovered(null)}
      >
        {rows.map((row) => (
          <li key={row.span.spanId}>
            <SpanBar
              row={row}
              totalMs={totalMs}
              pinned={row.span.spanId === pinned}
              shown={row === shown}
              onSelect={() => setPinned(row.span.spanId)}
              onHover={() => setHovered(row.span.spanId)}
            />
          </li>
        ))}
      </ol>

      {shown ? <SpanDetails row={shown} /> : null}
    </section>
  );
}

function SpanBar({
  row,
  totalMs,
  pinned,
  shown,
  onSelect,
  onHover,
}: {
  row: SpanRow;
  totalMs: number;
  pinned: boolean;
  shown: boolean;
  onSelect: () => void;
  onHover: () => void;
}) {
  const { span, depth, offsetMs } = row;
  const start = (offsetMs / totalMs) * 100;
  const end = ((offsetMs + span.durationMs) / totalMs) * 100;
  // The duration sits after the bar, else before it, else (a bar across the track) inside it.
  const [labelClass, labelPlace]: [string, CSSProperties] =
    end < 78
      ? ["span-duration", { left: `calc(${end}% + 6px)` }]
      : start > 22
        ? ["span-duration", { right: `calc(${100 - start}% + 6px)` }]
        : ["span-duration span-duration-inside", { right: `calc(${100 - end}% + 6px)` }];
  return (
    <button
      type="button"
      className={shown ? "span-row is-shown" : "span-row"}
      aria-pressed={pinned}
      onClick={onSelect}
      onMouseEnter={onHover}
    >
      <span className="span-name" style={{ paddingLeft: `${depth * 0.9}rem` }} title={span.name}>
        {span.name}
      </span>
      <span className="span-track">
        <span
          className={`span-bar span-${spanKind(span)}`}
          data-testid="span-bar"
          style={{ left: `${start}%`, width: `max(2px, ${end - start}%)` }}
        />
        <span className={labelClass} style={labelPlace}>
          {formatMs(span.durationMs)}
        </span>
      </span>
    </button>
  );
}

function SpanDetails({ row }: { row: SpanRow }) {
  const { span, offsetMs } = row;
  const { "db.query.text": sql, ...rest } = span.attributes;
  const attributes = Object.entries(rest).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="span-details" data-testid="span-details" aria-live="polite">
      <p className="span-details-title">
        <span className={`span-swatch span-${spanKind(span)}`} aria-hidden="true" />
        {span.name}
        {span.error ? <span className="badge badge-error">error</span> : null}
      </p>
      <p className="muted small">
        Started at +{formatMs(offsetMs)}, took {formatMs(span.durationMs)}
      </p>
      {typeof sql === "string" ? <pre className="sql">{sql}</pre> : null}
      {attributes.length > 0 ? (
        <dl className="attributes">
          {attributes.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{String(value)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}
