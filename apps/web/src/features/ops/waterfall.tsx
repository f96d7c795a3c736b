"use client";

import { ticksUpTo } from "@brisk/charts";
import { clsx } from "clsx";
import { type CSSProperties, useState } from "react";
import ui from "@/components/ui.module.css";
import { formatClock, formatMs } from "./format";
import type { RecentTrace } from "./queries";
import { layoutSpans, type SpanKind, type SpanRow, spanKind } from "./spans";
import styles from "./waterfall.module.css";

/** Each kind of span in its colour (waterfall.module.css), in the legend's order. */
const kinds: Record<SpanKind, { label: string; className: string | undefined }> = {
  app: { label: "Request, procedure, loader", className: styles.spanApp },
  sql: { label: "SQL statement", className: styles.spanSql },
  error: { label: "Failed", className: styles.spanError },
};

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

  const { ticks, step } = ticksUpTo(totalMs, 5);
  const at = (ms: number) => `${(ms / totalMs) * 100}%`;

  return (
    <section
      className={clsx(ui.card, styles.waterfall)}
      aria-labelledby="waterfall-title"
      data-testid="waterfall"
    >
      <header className={styles.waterfallHeader}>
        <div>
          <h3 id="waterfall-title" className={styles.waterfallTitle}>
            {trace.name}
          </h3>
          <p className={clsx(ui.muted, ui.small)}>
            {formatClock(trace.startedAt)} · {formatMs(trace.durationMs)} · {trace.spans.length}{" "}
            {trace.spans.length === 1 ? "span" : "spans"} · trace{" "}
            <code className={styles.traceId}>{trace.traceId}</code>
          </p>
        </div>
        <ul className={styles.waterfallLegend} aria-label="Span colours">
          {Object.entries(kinds).map(([kind, { label, className }]) => (
            <li key={kind}>
              <span className={clsx(styles.spanSwatch, className)} aria-hidden="true" />
              {label}
            </li>
          ))}
        </ul>
      </header>

      <div className={styles.waterfallAxis} aria-hidden="true">
        <span />
        <span className={styles.waterfallTicks}>
          {ticks.map((ms) => (
            <span key={ms} className={styles.waterfallTick} style={{ left: at(ms) }}>
              {formatMs(ms)}
            </span>
          ))}
        </span>
      </div>

      <ol
        className={styles.waterfallRows}
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
  const kind = spanKind(span);
  const [inside, labelPlace]: [boolean, CSSProperties] =
    end < 78
      ? [false, { left: `calc(${end}% + 6px)` }]
      : start > 22
        ? [false, { right: `calc(${100 - start}% + 6px)` }]
        : [true, { right: `calc(${100 - end}% + 6px)` }];
  return (
    <button
      type="button"
      className={clsx(styles.spanRow, shown && styles.isShown)}
      aria-pressed={pinned}
      onClick={onSelect}
      onMouseEnter={onHover}
    >
      <span
        className={styles.spanName}
        style={{ paddingLeft: `${depth * 0.9}rem` }}
        title={span.name}
      >
        {span.name}
      </span>
      <span className={styles.spanTrack}>
        <span
          className={clsx(styles.spanBar, kinds[kind].className)}
          data-testid="span-bar"
          data-kind={kind}
          style={{ left: `${start}%`, width: `max(2px, ${end - start}%)` }}
        />
        <span
          className={clsx(styles.spanDuration, inside && styles.spanDurationInside)}
          style={labelPlace}
        >
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
    <div className={styles.spanDetails} data-testid="span-details" aria-live="polite">
      <p className={styles.spanDetailsTitle}>
        <span
          className={clsx(styles.spanSwatch, kinds[spanKind(span)].className)}
          aria-hidden="true"
        />
        {span.name}
        {span.error ? <span className={clsx(ui.badge, ui.badgeError)}>error</span> : null}
      </p>
      <p className={clsx(ui.muted, ui.small)}>
        Started at +{formatMs(offsetMs)}, took {formatMs(span.durationMs)}
      </p>
      {typeof sql === "string" ? <pre className={styles.sql}>{sql}</pre> : null}
      {attributes.length > 0 ? (
        <dl className={styles.attributes}>
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
