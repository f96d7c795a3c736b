"use client";

import { useQuery } from "@tanstack/react-query";
import { clsx } from "clsx";
import { ErrorPanel } from "@/components/error-panel";
import ui from "@/components/ui.module.css";
import { formatClock } from "@/features/ops/format";
import { metricsPolling, type OpsPoint, type ProviderHealth } from "@/features/ops/queries";
import { apiMessage } from "@/lib/api-errors";
import { useTRPC } from "@/trpc/react";
import { Headline } from "./headline";
import { MetricsLoading } from "./metrics-loading";
import { OpsCharts } from "./ops-charts";
import styles from "./ops-dashboard.module.css";
import { ProviderHealthPanel } from "./provider-health";

/** The headline figures, the charts and provider health, polled from apps/api every 5 seconds. */
export function OpsDashboard() {
  const trpc = useTRPC();
  const query = useQuery(trpc.ops.metrics.queryOptions(undefined, metricsPolling));

  return (
    <section className={styles.opsMetrics} aria-label="Metrics">
      {query.isPending ? (
        <MetricsLoading />
      ) : query.isError && !query.data ? (
        <ErrorPanel
          title="Could not load the api's metrics"
          heading="h2"
          error={query.error}
          onRetry={() => void query.refetch()}
        />
      ) : (
        <Metrics
          points={query.data.points}
          providers={query.data.providers}
          refreshError={query.isRefetchError ? query.error : null}
        />
      )}
    </section>
  );
}

function Metrics({
  points,
  providers,
  refreshError,
}: {
  points: OpsPoint[];
  providers: ProviderHealth[];
  refreshError: unknown;
}) {
  const latest = points.at(-1);
  return (
    <>
      <p className={clsx(styles.opsStatus, ui.muted, ui.small)}>
        {refreshError ? (
          <span className={ui.inlineError} role="alert">
            Could not refresh, showing the samples up to {latest ? formatClock(latest.at) : "now"}.{" "}
            {apiMessage(refreshError) ?? "The api could not be reached."}
          </span>
        ) : (
          <>
            <span className={styles.liveDot} aria-hidden="true" />
            Live · {latest ? `last sample ${formatClock(latest.at)}` : "no sample yet"} · every 5 s
          </>
        )}
      </p>
      {latest ? <Headline point={latest} /> : null}
      {points.length < 2 ? (
        <div className={clsx(ui.panel, ui.panelMuted)} data-testid="ops-collecting">
          <p className={ui.eyebrow}>Collecting the first samples…</p>
          <p className={ui.muted}>
            apps/api samples its metrics every 5 seconds; the charts start with the second sample.
          </p>
        </div>
      ) : (
        <OpsCharts points={points} />
      )}
      <ProviderHealthPanel providers={providers} />
    </>
  );
}
