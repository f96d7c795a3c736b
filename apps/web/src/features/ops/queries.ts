import type { RouterOutputs } from "@brisk/api-contract";

/**
 * The Ops page reads apps/api's own numbers, so it only ever asks over HTTP (through /trpc):
 * called in the dashboard's process, these procedures refuse with PRECONDITION_FAILED.
 */
export type OpsPoint = RouterOutputs["ops"]["metrics"]["points"][number];
export type ProcedureStats = OpsPoint["procedures"][number];
export type RecentTrace = RouterOutputs["ops"]["traces"][number];
export type TraceSpan = RecentTrace["spans"][number];

/** apps/api samples every 5 s; polling faster would only fetch the same points again. */
export const metricsPolling = { refetchInterval: 5_000 } as const;
export const tracesPolling = { refetchInterval: 10_000 } as const;

/** The thresholds of ops/prometheus/alerts.yml, drawn on the charts as dashed lines. */
export const alerts = {
  p95Ms: 1_000,
  errorRatio: 0.01,
  eventLoopLagMs: 100,
} as const;
export type ProviderHealth = RouterOutputs["ops"]["metrics"]["providers"][number];
