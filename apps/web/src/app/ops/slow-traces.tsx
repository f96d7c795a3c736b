"use client";

import { useQuery } from "@tanstack/react-query";
import { clsx } from "clsx";
import { useState } from "react";
import { ErrorPanel } from "@/components/error-panel";
import skeleton from "@/components/skeleton.module.css";
import ui from "@/components/ui.module.css";
import { formatClock, formatMs } from "@/features/ops/format";
import { type RecentTrace, tracesPolling } from "@/features/ops/queries";
import { Waterfall } from "@/features/ops/waterfall";
import { apiMessage } from "@/lib/api-errors";
import { useTRPC } from "@/trpc/react";
import styles from "./slow-traces.module.css";

const skeletonLine = clsx(skeleton.skeleton, skeleton.skeletonLine);

/** apps/api's most recent slow requests; a picked one opens as a waterfall of its spans. */
export function SlowTraces() {
  const trpc = useTRPC();
  const query = useQuery(trpc.ops.traces.queryOptions(undefined, tracesPolling));
  // The trace itself, not its id: it stays open after newer traces push it out of the list.
  const [selected, setSelected] = useState<RecentTrace | null>(null);

  return (
    <section className={styles.slowTraces} aria-labelledby="slow-traces-title">
      <div className={styles.sectionHeading}>
        <h2 id="slow-traces-title" className={ui.sectionTitle}>
          Slow traces
        </h2>
        <p className={clsx(ui.muted, ui.small)}>
          Recorded requests (one in ten by default: OTEL_TRACES_SAMPLER_ARG) slower than the api's
          threshold (SLOW_TRACE_MS, 100 ms by default), newest first; refreshed every 10 s.
        </p>
      </div>
      {query.isPending ? (
        <div
          className={clsx(ui.card, styles.tracesCard)}
          role="status"
          aria-busy="true"
          aria-label="Loading traces"
        >
          {Array.from({ length: 4 }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: static skeleton rows
            <span key={i} className={skeletonLine} style={{ height: "1.4rem" }} />
          ))}
        </div>
      ) : query.isError && !query.data ? (
        <ErrorPanel
          title="Could not load the slow traces"
          heading="h2"
          error={query.error}
          onRetry={() => void query.refetch()}
        />
      ) : query.data.length === 0 ? (
        <div className={clsx(ui.panel, ui.panelMuted)} data-testid="traces-empty">
          <p className={ui.eyebrow}>No slow traces yet</p>
          <p className={ui.muted}>A request that takes longer than the threshold shows up here.</p>
        </div>
      ) : (
        <>
          {query.isRefetchError ? (
            <p className={ui.inlineError} role="alert">
              Could not refresh the traces.{" "}
              {apiMessage(query.error) ?? "The api could not be reached."}
            </p>
          ) : null}
          <TracesTable
            traces={query.data}
            selectedId={selected?.traceId ?? null}
            onSelect={setSelected}
          />
        </>
      )}
      {selected ? (
        <Waterfall key={selected.traceId} trace={selected} />
      ) : query.data?.length ? (
        <p className={clsx(ui.muted, ui.small, styles.waterfallHint)}>
          Pick a trace to see its spans.
        </p>
      ) : null}
    </section>
  );
}

function TracesTable({
  traces,
  selectedId,
  onSelect,
}: {
  traces: RecentTrace[];
  selectedId: string | null;
  onSelect: (trace: RecentTrace) => void;
}) {
  return (
    <div className={clsx(ui.card, styles.tracesCard)}>
      <table className={styles.traces}>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Name</th>
            <th scope="col" className={styles.numeric}>
              Duration
            </th>
            <th scope="col" className={styles.numeric}>
              Spans
            </th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {traces.map((trace) => {
            const selected = trace.traceId === selectedId;
            return (
              <tr
                key={trace.traceId}
                className={clsx(styles.traceRow, selected && styles.isSelected)}
                data-testid="trace-row"
              >
                <td className={ui.muted}>
                  <time dateTime={trace.startedAt}>{formatClock(trace.startedAt)}</time>
                </td>
                <td>
                  {/* Stretched over the whole row by CSS, so the row is one click target. */}
                  <button
                    type="button"
                    className={styles.traceOpen}
                    aria-pressed={selected}
                    onClick={() => onSelect(trace)}
                  >
                    {trace.name}
                  </button>
                </td>
                <td className={styles.numeric}>{formatMs(trace.durationMs)}</td>
                <td className={styles.numeric}>{trace.spans.length}</td>
                <td>
                  {trace.error ? (
                    <span className={clsx(ui.badge, ui.badgeError)}>error</span>
                  ) : (
                    <span className={ui.badge}>ok</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
