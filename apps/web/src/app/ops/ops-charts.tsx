"use client";

import { clsx } from "clsx";
import { type ReactNode, useId, useState } from "react";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";
import { LineChart } from "@/features/ops/chart";
import { formatMb, formatMs, formatPercent, formatRate } from "@/features/ops/format";
import { alerts, type OpsPoint } from "@/features/ops/queries";
import {
  cacheSeries,
  errorSeries,
  eventLoopSeries,
  latencySeries,
  maxProcedureLines,
  memorySeries,
  pointTimes,
  poolSeries,
  proceduresByTraffic,
  throughputSeries,
} from "@/features/ops/series";
import styles from "./ops-charts.module.css";

const ms = { unit: "ms", format: formatMs };
const percent = { unit: "%", format: (v: number) => formatPercent(v / 100) };
const connections = { unit: "connections", format: (v: number) => String(v) };

export function OpsCharts({ points }: { points: OpsPoint[] }) {
  const times = pointTimes(points);
  const ranked = proceduresByTraffic(points);
  const [chosen, setChosen] = useState<string | null>(null);
  // The busiest procedure until one is picked; a pick that left the window falls back too.
  const procedure = chosen !== null && ranked.includes(chosen) ? chosen : ranked[0];
  const top = ranked.length > maxProcedureLines ? ` (top ${maxProcedureLines} by traffic)` : "";

  return (
    <div className={styles.opsGrid}>
      <ChartCard
        title="Latency percentiles"
        note="Per procedure, per 5 s interval"
        action={
          ranked.length > 0 ? (
            <select
              className={clsx(forms.input, styles.chartSelect)}
              aria-label="Procedure"
              value={procedure}
              onChange={(event) => setChosen(event.target.value)}
            >
              {ranked.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          ) : null
        }
      >
        {procedure === undefined ? (
          <p className={clsx(styles.chartEmpty, ui.muted)}>No procedure has been called yet.</p>
        ) : (
          <LineChart
            label={`Latency of ${procedure}, p50, p95 and p99, in ms`}
            times={times}
            series={latencySeries(points, procedure)}
            left={ms}
            thresholds={[{ value: alerts.p95Ms, label: `p95 alert ${formatMs(alerts.p95Ms)}` }]}
          />
        )}
      </ChartCard>

      <ChartCard title="Throughput" note={`Requests per second, per procedure${top}, and in total`}>
        <LineChart
          label="Requests per second per procedure and in total"
          times={times}
          series={throughputSeries(points, ranked)}
          left={{ unit: "req/s", format: formatRate }}
        />
      </ChartCard>

      <ChartCard title="Error rate" note={`Share of calls answered with a 5xx${top}`}>
        <LineChart
          label="5xx error rate per procedure, in percent"
          times={times}
          series={errorSeries(points, ranked)}
          left={percent}
          thresholds={[
            { value: alerts.errorRatio * 100, label: `alert ${formatPercent(alerts.errorRatio)}` },
          ]}
        />
      </ChartCard>

      <ChartCard
        title="Cache hit ratio"
        note="Reads answered from memory or Redis (left axis), and cached reads per second (right)"
      >
        <LineChart
          label="Cache hit ratio in percent, from both tiers and from memory alone, and reads per second"
          times={times}
          series={cacheSeries(points)}
          left={{ ...percent, max: 100 }}
          right={{ unit: "reads/s", format: (v: number) => formatRate(v, "reads/s") }}
        />
      </ChartCard>

      <ChartCard title="DB pool" note="Connections of this api process, and queries waiting">
        <LineChart
          label="Database pool: busy, idle and waiting, with the pool's maximum"
          times={times}
          series={poolSeries(points)}
          left={connections}
        />
      </ChartCard>

      <ChartCard title="Event loop" note="Lag p99 (left axis) and utilisation (right axis)">
        <LineChart
          label="Event-loop lag p99 in ms, and utilisation in percent"
          times={times}
          series={eventLoopSeries(points)}
          left={ms}
          right={{ ...percent, max: 100 }}
          thresholds={[
            { value: alerts.eventLoopLagMs, label: `lag alert ${formatMs(alerts.eventLoopLagMs)}` },
          ]}
        />
      </ChartCard>

      <ChartCard title="Memory" note="Resident set size of the api process">
        <LineChart
          label="Resident memory in MB"
          times={times}
          series={memorySeries(points)}
          left={{ unit: "MB", format: formatMb }}
        />
      </ChartCard>
    </div>
  );
}

function ChartCard({
  title,
  note,
  action,
  children,
}: {
  title: string;
  note: string;
  action?: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section className={clsx(ui.card, styles.opsCard)} aria-labelledby={id}>
      <header className={styles.opsCardHeader}>
        <div>
          <h2 id={id} className={styles.opsCardTitle}>
            {title}
          </h2>
          <p className={clsx(ui.muted, ui.small)}>{note}</p>
        </div>
        {action}
      </header>
      {children}
    </section>
  );
}
