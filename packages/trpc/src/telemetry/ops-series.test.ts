import { describe, expect, it } from "vitest";
import { createMetrics } from "./metrics";
import { createOpsSeries } from "./ops-series";

/** A registry with Brisk's metrics and a clock the test moves. */
function setup() {
  let now = 0;
  const metrics = createMetrics({
    poolUsage: async () => ({ max: 10, busy: 3, idle: 7, inFlight: 4, waiting: 1 }),
    now: () => now,
  });
  const series = createOpsSeries(metrics.registry, { everyMs: 60_000, points: 3, now: () => now });
  series.stop();
  /** `n` calls of `procedure` that took `seconds` and answered `status`. */
  const calls = (procedure: string, n: number, seconds: number, status = 200) => {
    for (let i = 0; i < n; i++) {
      const finished = metrics.procedureStarted(procedure, "query");
      now += seconds * 1000;
      finished(status);
      now -= seconds * 1000;
    }
  };
  return {
    metrics,
    series,
    calls,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("the Ops page's series", () => {
  it("turns histogram buckets into percentiles, interpolated inside the bucket", async () => {
    const { series, calls, advance } = setup();
    calls("users.list", 50, 0.002); // bucket ≤ 2.5 ms
    calls("users.list", 45, 0.02); // bucket ≤ 25 ms
    calls("users.list", 5, 0.3, 503); // bucket ≤ 500 ms
    advance(5_000);
    await series.sample();

    const [stats] = series.points()[0]!.procedures;
    expect(stats).toMatchObject({ procedure: "users.list", rps: 20, errorRatio: 0.05 });
    // p50: the 50th call is the last in (1 ms, 2.5 ms]; p95 the last in (10 ms, 25 ms];
    // p99: 4 of the 5 calls in (250 ms, 500 ms] → 250 + 0.8 × 250.
    expect(stats!.p50Ms).toBeCloseTo(2.5);
    expect(stats!.p95Ms).toBeCloseTo(25);
    expect(stats!.p99Ms).toBeCloseTo(450);
  });

  it("reports each interval on its own: rates over its length, no percentiles without calls", async () => {
    const { series, calls, advance } = setup();
    calls("tags.list", 10, 0.001);
    advance(5_000);
    await series.sample();
    advance(2_000);
    await series.sample();
    calls("tags.list", 4, 0.004);
    advance(2_000);
    await series.sample();

    const rows = series.points().map((p) => p.procedures[0]);
    expect(rows.map((r) => r?.rps)).toEqual([2, 0, 2]);
    expect(rows[1]).toMatchObject({ p50Ms: null, p95Ms: null, p99Ms: null, errorRatio: 0 });
    // Only this interval's four calls, all in (2.5 ms, 5 ms]: the median is halfway in.
    expect(rows[2]!.p50Ms).toBeCloseTo(3.75);
  });

  it("computes the cache's hit ratios and keeps only the last points", async () => {
    const { metrics, series, advance } = setup();
    for (let i = 0; i < 80; i++) metrics.cache.lookup("memory", "user", true);
    for (let i = 0; i < 20; i++) metrics.cache.lookup("memory", "user", false);
    for (let i = 0; i < 10; i++) metrics.cache.lookup("redis", "user", true);
    for (let i = 0; i < 10; i++) metrics.cache.lookup("redis", "user", false);
    metrics.cache.redisCommand("mget", 0.08, "timeout");
    advance(5_000);
    await series.sample();
    expect(series.points()[0]!.cache).toMatchObject({
      readsPerSecond: 20,
      hitRatio: 0.9,
      memoryHitRatio: 0.8,
      redisErrorsPerSecond: 0.2,
    });
    expect(series.points()[0]!.pool).toEqual({ max: 10, busy: 3, idle: 7, waiting: 1 });

    for (let i = 0; i < 3; i++) {
      advance(5_000);
      await series.sample();
    }
    expect(series.points()).toHaveLength(3);
    expect(series.points().every((p) => p.cache.hitRatio === null)).toBe(true);
  });

  it("sums each provider's health over the window: breaker, errors, p95, cache, stale", async () => {
    let now = 0;
    const breakers = { pageviews: "closed", revenue: "open" } as const;
    const metrics = createMetrics({
      poolUsage: async () => ({ max: 10, busy: 0, idle: 10, inFlight: 0, waiting: 0 }),
      now: () => now,
      providerBreakers: () => breakers,
    });
    const series = createOpsSeries(metrics.registry, {
      everyMs: 60_000,
      points: 2,
      now: () => now,
    });
    series.stop();
    const { providers } = metrics;
    // Outside the window by the end: two points are kept, this is three samples ago.
    providers.called("revenue", "ok", 0.04);
    now += 5_000;
    await series.sample();

    for (let i = 0; i < 19; i++) providers.called("pageviews", "ok", 0.04); // ≤ 50 ms
    providers.called("pageviews", "timed-out", 1.5); // ≤ 2 s
    providers.retried("pageviews");
    for (let i = 0; i < 3; i++) providers.answered("pageviews", "hit");
    providers.answered("pageviews", "loaded");
    providers.called("revenue", "failed", 0.2);
    providers.called("revenue", "refused", 0);
    providers.answered("revenue", "stale", 2 * 3_600_000);
    now += 5_000;
    await series.sample();
    now += 5_000;
    await series.sample();

    expect(series.providers()).toEqual([
      {
        provider: "pageviews",
        breaker: "closed",
        calls: 20,
        errorRatio: 0.05,
        p95Ms: 50,
        retries: 1,
        cacheHitRatio: 0.75,
        staleAnswers: 0,
      },
      {
        provider: "revenue",
        breaker: "open",
        calls: 2,
        errorRatio: 1,
        p95Ms: expect.any(Number),
        retries: 0,
        cacheHitRatio: 0,
        staleAnswers: 1,
      },
    ]);
  });
});
