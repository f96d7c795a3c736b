import { clsx } from "clsx";
import { formatMs, formatPercent, formatRate } from "@/features/ops/format";
import { alerts, type OpsPoint } from "@/features/ops/queries";
import { headline } from "@/features/ops/series";
import styles from "./headline.module.css";

/** The latest sample in five figures; a figure past its alert threshold turns red. */
export function Headline({ point }: { point: OpsPoint }) {
  const now = headline(point);
  return (
    <dl className={styles.opsStats} data-testid="ops-headline">
      <Stat label="Throughput" value={formatRate(now.rps)} note="all procedures" />
      <Stat
        label="Worst p95"
        value={now.worstP95 ? formatMs(now.worstP95.ms) : "–"}
        note={now.worstP95?.procedure ?? "no calls"}
        alert={(now.worstP95?.ms ?? 0) > alerts.p95Ms}
      />
      <Stat
        label="Errors"
        value={formatPercent(now.errorRatio)}
        note="5xx share of calls"
        alert={now.errorRatio > alerts.errorRatio}
      />
      <Stat
        label="Cache hit ratio"
        value={now.cache.hitRatio === null ? "–" : formatPercent(now.cache.hitRatio)}
        note={cacheNote(now.cache)}
        alert={now.cache.breaker === "open"}
      />
      <Stat
        label="DB pool busy"
        value={`${now.pool.busy} / ${now.pool.max}`}
        note={`${now.pool.idle} idle · ${now.pool.waiting} waiting`}
        alert={now.pool.waiting > 0}
      />
      <Stat
        label="Event-loop lag p99"
        value={formatMs(now.lagMs)}
        note={`alert above ${formatMs(alerts.eventLoopLagMs)}`}
        alert={now.lagMs > alerts.eventLoopLagMs}
      />
    </dl>
  );
}

function cacheNote(cache: OpsPoint["cache"]): string {
  if (cache.breaker === "open") return "Redis unreachable: memory and database only";
  if (cache.breaker === null) return "memory tier only";
  return `${formatRate(cache.readsPerSecond, "reads/s")} · Redis ${cache.breaker}`;
}

function Stat({
  label,
  value,
  note,
  alert = false,
}: {
  label: string;
  value: string;
  note: string;
  alert?: boolean;
}) {
  return (
    <div className={clsx(styles.opsStat, alert && styles.opsStatAlert)}>
      <dt>{label}</dt>
      <dd>
        <span className={styles.opsStatValue}>{value}</span>
        <span className={styles.opsStatNote} title={note}>
          {note}
        </span>
      </dd>
    </div>
  );
}
