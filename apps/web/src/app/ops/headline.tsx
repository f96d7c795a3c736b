import { formatMs, formatPercent, formatRate } from "@/features/ops/format";
import { alerts, type OpsPoint } from "@/features/ops/queries";
import { headline } from "@/features/ops/series";

/** The latest sample in five figures; a figure past its alert threshold turns red. */
export function Headline({ point }: { point: OpsPoint }) {
  const now = headline(point);
  return (
    <dl className="ops-stats" data-testid="ops-headline">
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
    <div className={alert ? "ops-stat ops-stat-alert" : "ops-stat"}>
      <dt>{label}</dt>
      <dd>
        <span className="ops-stat-value">{value}</span>
        <span className="ops-stat-note" title={note}>
          {note}
        </span>
      </dd>
    </div>
  );
}
