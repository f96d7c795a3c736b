"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorPanel } from "@/components/error-panel";
import { formatClock, formatMs } from "@/features/ops/format";
import { type RecentTrace, tracesPolling } from "@/features/ops/queries";
import { Waterfall } from "@/features/ops/waterfall";
import { apiMessage } from "@/lib/api-errors";
import { useTRPC } from "@/trpc/react";

/** apps/api's most recent slow requests; a picked one opens as a waterfall of its spans. */
export function SlowTraces() {
  const trpc = useTRPC();
  const query = useQuery(trpc.ops.traces.queryOptions(undefined, tracesPolling));
  // The trace itself, not its id: it stays open after newer traces push it out of the list.
  const [selected, setSelected] = useState<RecentTrace | null>(null);

  return (
    <section className="slow-traces" aria-labelledby="slow-traces-title">
      <div className="section-heading">
        <h2 id="slow-traces-title" className="section-title">
          Slow traces
        </h2>
        <p className="muted small">
          Requests slower than the api's threshold (SLOW_TRACE_MS, 100 ms by default), newest first;
          refreshed every 10 s.
        </p>
      </div>
      {query.isPending ? (
        <div
          className="card traces-card"
          role="status"
          aria-busy="true"
          aria-label="Loading traces"
        >
          {Array.from({ length: 4 }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: static skeleton rows
            <span key={i} className="skeleton skeleton-line" style={{ height: "1.4rem" }} />
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
        <div className="panel panel-muted" data-testid="traces-empty">
          <p className="eyebrow">No slow traces yet</p>
          <p className="muted">A request that takes longer than the threshold shows up here.</p>
        </div>
      ) : (
        <>
          {query.isRefetchError ? (
            <p className="inline-error" role="alert">
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
        <p className="muted small waterfall-hint">Pick a trace to see its spans.</p>
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
    <div className="card traces-card">
      <table className="traces">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Name</th>
            <th scope="col" className="numeric">
              Duration
            </th>
            <th scope="col" className="numeric">
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
                className={selected ? "trace-row is-selected" : "trace-row"}
                data-testid="trace-row"
              >
                <td className="muted">
                  <time dateTime={trace.startedAt}>{formatClock(trace.startedAt)}</time>
                </td>
                <td>
                  {/* Stretched over the whole row by CSS, so the row is one click target. */}
                  <button
                    type="button"
                    className="trace-open"
                    aria-pressed={selected}
                    onClick={() => onSelect(trace)}
                  >
                    {trace.name}
                  </button>
                </td>
                <td className="numeric">{formatMs(trace.durationMs)}</td>
                <td className="numeric">{trace.spans.length}</td>
                <td>
                  {trace.error ? (
                    <span className="badge badge-error">error</span>
                  ) : (
                    <span className="badge">ok</span>
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
