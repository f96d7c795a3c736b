import type { Registry } from "prom-client";
import {
  type ProviderCounts,
  type ProviderHealth,
  providerCounts,
  providerHealth,
} from "./provider-health";

export type { ProviderHealth };

/** One point of the Ops page's charts: what happened during the interval before `at`. */
export interface OpsPoint {
  at: string;
  procedures: {
    procedure: string;
    rps: number;
    errorRatio: number;
    p50Ms: number | null;
    p95Ms: number | null;
    p99Ms: number | null;
  }[];
  pool: { max: number; busy: number; idle: number; waiting: number };
  eventLoopLagP99Ms: number;
  eventLoopUtilization: number;
  rssMb: number;
  cache: {
    /** Cached reads per second (each one tier-1 lookup). */
    readsPerSecond: number;
    /** Share of reads answered from memory or Redis; null with no reads. */
    hitRatio: number | null;
    memoryHitRatio: number | null;
    /** Failed or timed-out Redis commands per second. */
    redisErrorsPerSecond: number;
    breaker: "closed" | "half-open" | "open" | null;
  };
}

interface CacheCounts {
  memoryHits: number;
  memoryMisses: number;
  redisHits: number;
  redisErrors: number;
}

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

type Snapshot = Map<string, { count: number; errors: number; buckets: Map<number, number> }>;

/** The latency below which `q` of the calls fell, interpolated inside its bucket. */
function quantile(buckets: [number, number][], total: number, q: number): number | null {
  if (total === 0) return null;
  const rank = q * total;
  let previousBound = 0;
  let previousCount = 0;
  for (const [bound, count] of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(bound)) return previousBound * 1000;
      const inBucket = count - previousCount;
      const share = inBucket === 0 ? 1 : (rank - previousCount) / inBucket;
      return (previousBound + (bound - previousBound) * share) * 1000;
    }
    previousBound = bound;
    previousCount = count;
  }
  return previousBound * 1000;
}

/**
 * Samples the registry every few seconds and keeps the last points in memory, so the Ops page
 * shows rates and percentiles per interval without a Prometheus server.
 */
export function createOpsSeries(
  registry: Registry,
  options: { everyMs: number; points: number; now?: () => number },
) {
  const clock = options.now ?? (() => performance.now());
  const points: OpsPoint[] = [];
  let previous: Snapshot | undefined;
  let previousCache: CacheCounts | undefined;
  let previousAt = clock();
  // Provider counts before each kept point: the first is where the window starts.
  const providerBaselines: (ProviderCounts | undefined)[] = [];
  let latestProviders: ProviderHealth[] = [];
  let previousProviders: ProviderCounts | undefined;

  async function sample() {
    const metrics = await registry.getMetricsAsJSON();
    const values = (name: string) =>
      (metrics.find((m) => m.name === name)?.values ?? []) as MetricValue[];
    const gauge = (name: string, labels: Record<string, string> = {}) =>
      values(name).find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
        ?.value ?? 0;

    const snapshot: Snapshot = new Map();
    const entry = (procedure: string) => {
      let e = snapshot.get(procedure);
      if (!e) {
        e = { count: 0, errors: 0, buckets: new Map() };
        snapshot.set(procedure, e);
      }
      return e;
    };
    for (const v of values("brisk_rpc_requests_total")) {
      const e = entry(String(v.labels.procedure));
      e.count += v.value;
      if (String(v.labels.status).startsWith("5")) e.errors += v.value;
    }
    for (const v of values("brisk_rpc_request_duration_seconds")) {
      if (v.metricName !== "brisk_rpc_request_duration_seconds_bucket") continue;
      const bound = v.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(v.labels.le);
      const e = entry(String(v.labels.procedure));
      e.buckets.set(bound, (e.buckets.get(bound) ?? 0) + v.value);
    }

    const lookups = (tier: string, result: string) =>
      values("brisk_cache_lookups_total")
        .filter((v) => v.labels.tier === tier && v.labels.result === result)
        .reduce((sum, v) => sum + v.value, 0);
    const cacheCounts: CacheCounts = {
      memoryHits: lookups("memory", "hit"),
      memoryMisses: lookups("memory", "miss"),
      redisHits: lookups("redis", "hit"),
      redisErrors: values("brisk_cache_redis_command_duration_seconds")
        .filter((v) => v.metricName?.endsWith("_count") && v.labels.outcome !== "ok")
        .reduce((sum, v) => sum + v.value, 0),
    };
    // Computed now: `previousCache` moves on to this sample below.
    const since = (key: keyof CacheCounts) => cacheCounts[key] - (previousCache?.[key] ?? 0);
    const reads = since("memoryHits") + since("memoryMisses");
    const hits = { memory: since("memoryHits"), redis: since("redisHits") };
    const redisErrors = since("redisErrors");
    const breaker = values("brisk_cache_breaker_state").find((v) => v.value === 1)?.labels.state;

    const providersNow = providerCounts(values);
    providerBaselines.push(previousProviders);
    if (providerBaselines.length > options.points) providerBaselines.shift();
    const breakers = new Map(
      values("brisk_provider_breaker_state")
        .filter((v) => v.value === 1)
        .map((v) => [String(v.labels.provider), v.labels.state as ProviderHealth["breaker"]]),
    );
    latestProviders = providerHealth(providersNow, providerBaselines[0], breakers, quantile);
    previousProviders = providersNow;

    const now = clock();
    const seconds = (now - previousAt) / 1000;
    const procedures: OpsPoint["procedures"] = [];
    for (const [procedure, e] of snapshot) {
      const before = previous?.get(procedure);
      const count = e.count - (before?.count ?? 0);
      const errors = e.errors - (before?.errors ?? 0);
      const buckets = [...e.buckets]
        .sort((a, b) => a[0] - b[0])
        .map(([bound, n]) => [bound, n - (before?.buckets.get(bound) ?? 0)] as [number, number]);
      const calls = buckets.at(-1)?.[1] ?? 0;
      procedures.push({
        procedure,
        rps: count / seconds,
        errorRatio: count === 0 ? 0 : errors / count,
        p50Ms: quantile(buckets, calls, 0.5),
        p95Ms: quantile(buckets, calls, 0.95),
        p99Ms: quantile(buckets, calls, 0.99),
      });
    }
    previous = snapshot;
    previousCache = cacheCounts;
    previousAt = now;
    points.push({
      at: new Date().toISOString(),
      procedures: procedures.sort((a, b) => a.procedure.localeCompare(b.procedure)),
      pool: {
        max: gauge("brisk_db_pool_max"),
        busy: gauge("brisk_db_pool_connections", { state: "busy" }),
        idle: gauge("brisk_db_pool_connections", { state: "idle" }),
        waiting: gauge("brisk_db_pool_waiting"),
      },
      eventLoopLagP99Ms: gauge("brisk_nodejs_eventloop_lag_p99_seconds") * 1000,
      eventLoopUtilization: gauge("brisk_nodejs_eventloop_utilization_ratio"),
      rssMb: gauge("brisk_process_resident_memory_bytes") / 1024 / 1024,
      cache: {
        readsPerSecond: reads / seconds,
        hitRatio: reads === 0 ? null : (hits.memory + hits.redis) / reads,
        memoryHitRatio: reads === 0 ? null : hits.memory / reads,
        redisErrorsPerSecond: redisErrors / seconds,
        breaker: (breaker as OpsPoint["cache"]["breaker"] | undefined) ?? null,
      },
    });
    if (points.length > options.points) points.shift();
  }

  const timer = setInterval(() => void sample().catch(() => {}), options.everyMs);
  timer.unref();
  return {
    sample,
    points: () => [...points],
    /** Each provider over the kept points' window (its calls, errors, latency, cache). */
    providers: () => latestProviders,
    stop: () => clearInterval(timer),
  };
}

export type OpsSeries = ReturnType<typeof createOpsSeries>;
