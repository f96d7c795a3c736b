/** Each external provider's health over the Ops page's window, from the registry's counters. */
export interface ProviderHealth {
  provider: string;
  /** The breaker now; null when the api runs without providers' breakers. */
  breaker: "closed" | "half-open" | "open" | null;
  calls: number;
  /** Failed, timed-out and refused calls over all calls; null with no calls. */
  errorRatio: number | null;
  /** Of a call, its retries and backoff included; null with no calls. */
  p95Ms: number | null;
  retries: number;
  /** Answers served from the cache while fresh, over all answers; null with no answers. */
  cacheHitRatio: number | null;
  /** Older cached answers served because the provider failed. */
  staleAnswers: number;
}

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

interface Counts {
  calls: number;
  errors: number;
  retries: number;
  answers: number;
  hits: number;
  stale: number;
  /** Cumulative histogram buckets: upper bound (s) → calls at or under it. */
  buckets: Map<number, number>;
}

/** Cumulative counts per provider, as the registry holds them now. */
export type ProviderCounts = Map<string, Counts>;

export function providerCounts(values: (name: string) => MetricValue[]): ProviderCounts {
  const counts: ProviderCounts = new Map();
  const of = (provider: string | number) => {
    const name = String(provider);
    let c = counts.get(name);
    if (!c) {
      c = { calls: 0, errors: 0, retries: 0, answers: 0, hits: 0, stale: 0, buckets: new Map() };
      counts.set(name, c);
    }
    return c;
  };
  for (const v of values("brisk_provider_calls_total")) {
    const c = of(v.labels.provider!);
    c.calls += v.value;
    if (v.labels.outcome !== "ok") c.errors += v.value;
  }
  for (const v of values("brisk_provider_retries_total")) of(v.labels.provider!).retries += v.value;
  for (const v of values("brisk_provider_answers_total")) {
    const c = of(v.labels.provider!);
    c.answers += v.value;
    if (v.labels.source === "hit") c.hits += v.value;
    if (v.labels.source === "stale") c.stale += v.value;
  }
  for (const v of values("brisk_provider_call_duration_seconds")) {
    if (v.metricName !== "brisk_provider_call_duration_seconds_bucket") continue;
    const bound = v.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(v.labels.le);
    const c = of(v.labels.provider!);
    c.buckets.set(bound, (c.buckets.get(bound) ?? 0) + v.value);
  }
  // A provider whose breaker is known is listed even before its first call.
  for (const v of values("brisk_provider_breaker_state")) of(v.labels.provider!);
  return counts;
}

/** What happened between two snapshots (`before` undefined: since the process started). */
export function providerHealth(
  now: ProviderCounts,
  before: ProviderCounts | undefined,
  breakers: Map<string, ProviderHealth["breaker"]>,
  quantile: (buckets: [number, number][], total: number, q: number) => number | null,
): ProviderHealth[] {
  return [...now]
    .map(([provider, c]) => {
      const b = before?.get(provider);
      const since = (key: Exclude<keyof Counts, "buckets">) => c[key] - (b?.[key] ?? 0);
      const buckets = [...c.buckets]
        .sort((x, y) => x[0] - y[0])
        .map(([bound, n]) => [bound, n - (b?.buckets.get(bound) ?? 0)] as [number, number]);
      const calls = since("calls");
      const answers = since("answers");
      return {
        provider,
        breaker: breakers.get(provider) ?? null,
        calls,
        errorRatio: calls === 0 ? null : since("errors") / calls,
        p95Ms: quantile(buckets, buckets.at(-1)?.[1] ?? 0, 0.95),
        retries: since("retries"),
        cacheHitRatio: answers === 0 ? null : since("hits") / answers,
        staleAnswers: since("stale"),
      };
    })
    .sort((x, y) => x.provider.localeCompare(y.provider));
}
