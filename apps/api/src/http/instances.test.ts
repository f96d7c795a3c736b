import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { pageReads } from "@brisk/trpc";
import { CACHE_PREFIX, signedInRequest } from "@brisk/trpc/testing";
import { startTestRedis, type TestRedis } from "@brisk/upstash-bridge/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi } from "../testing";

const MAX_STALE_MS = 400;

const database = useTestDatabase();
let redis: TestRedis;
let a: Awaited<ReturnType<typeof startTestApi>>;
let b: Awaited<ReturnType<typeof startTestApi>>;
let adminToken: string;

beforeAll(async () => {
  await seed(database.handle.sql, { users: 30, postsPerUser: 5, demo: true });
  redis = await startTestRedis();
  const cache = {
    memory: { maxStaleMs: MAX_STALE_MS, maxEntries: 1_000, maxBytes: 10_000_000, alone: false },
    // Generous: a test machine under load must not turn a slow answer into a miss.
    redis: { url: redis.restUrl, token: redis.token, timeoutMs: 2_000 },
  };
  // Two api instances over one database and one Redis, each warmed at start.
  a = await startTestApi(database, { cache });
  b = await startTestApi(database, { cache });
  ({ token: adminToken } = await signedInRequest(a.runtime, 1));
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

async function query<T>(api: { base: string }, path: string, value?: unknown): Promise<T> {
  const res = await fetch(`${api.base}/${path}${value ? `?input=${input(value)}` : ""}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { data: T } }).result.data;
}

/** Writes are an admin's: demo user 1, through a session sent as a bearer token. */
async function mutate(api: { base: string }, path: string, value: unknown) {
  const res = await fetch(`${api.base}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(value),
  });
  expect(res.status).toBe(200);
}

type MetricValue = { labels: Record<string, string | number>; value: number; metricName?: string };

/** A metric's total over the labels given, from the instance's own registry. */
async function total(
  api: typeof a,
  name: string,
  labels: Record<string, string> = {},
  series = name,
) {
  const metric = (await api.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return ((metric?.values ?? []) as MetricValue[])
    .filter((v) => (v.metricName ?? name) === series)
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}

const histogramCount = (api: typeof a, name: string, labels: Record<string, string> = {}) =>
  total(api, name, labels, `${name}_count`);
const statements = (api: typeof a) => histogramCount(api, "brisk_db_statement_duration_seconds");

describe("two api instances on one Redis", () => {
  it("start warm: the tags and the authors list's first page need no SQL", async () => {
    const before = await statements(b);
    await query(b, "tags.list");
    await query(b, "users.list", pageReads.authors);
    await query(b, "users.list", pageReads.postAuthors);
    expect(await statements(b)).toBe(before);
    expect(await total(b, "brisk_cache_lookups_total", { tier: "memory", result: "hit" })).toBe(3);
  });

  it("see each other's writes, learnt from the invalidation log", async () => {
    type User = { name: string };
    expect((await query<User>(b, "users.byId", { id: 3 })).name).not.toBe("Renamed on A");
    await mutate(a, "users.update", { id: 3, name: "Renamed on A" });
    expect((await query<User>(a, "users.byId", { id: 3 })).name).toBe("Renamed on A");

    // How soon is the cache's own test (the bound holds by construction); here, that b learns
    // it at all, through Redis, with nothing failing on the way.
    const deadline = performance.now() + 10_000;
    while ((await query<User>(b, "users.byId", { id: 3 })).name !== "Renamed on A") {
      expect(performance.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const command = "brisk_cache_redis_command_duration_seconds";
    expect(await histogramCount(b, command, { command: "changes", outcome: "ok" })).toBeGreaterThan(
      0,
    );
    expect(await histogramCount(b, command, { outcome: "error" })).toBe(0);
  });

  it("keep answering while redis-server is down, and use it again once it is back", async () => {
    await redis.stopRedis();
    try {
      for (let id = 10; id < 20; id++) {
        expect((await query<{ id: number }>(a, "users.byId", { id })).id).toBe(id);
      }
      const command = "brisk_cache_redis_command_duration_seconds";
      const failed =
        (await histogramCount(a, command, { outcome: "error" })) +
        (await histogramCount(a, command, { outcome: "timeout" }));
      expect(failed).toBeGreaterThan(0);
      expect(await total(a, "brisk_cache_redis_refused_total")).toBeGreaterThan(0);
      const open = (await a.registry.getMetricsAsJSON())
        .find((m) => m.name === "brisk_cache_breaker_state")
        ?.values.find((v) => v.labels.state === "open")?.value;
      expect(open).toBe(1);
    } finally {
      await redis.startRedis();
    }

    // After the breaker's cooldown a probe finds Redis again; reads then fill it anew.
    const deadline = performance.now() + 10_000;
    while (a.runtime.cache.stats().breaker !== "closed") {
      expect(performance.now()).toBeLessThan(deadline);
      await query(a, "users.byId", { id: 25 + Math.floor(Math.random() * 5) });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const hits = () => total(b, "brisk_cache_lookups_total", { tier: "redis", result: "hit" });
    const before = await hits();
    await query(a, "users.byId", { id: 21 });
    // A stores to Redis after answering; b reads once the entry is there.
    while (!(await redis.command(["exists", `${CACHE_PREFIX}e:users.byId:21:10`]))) {
      expect(performance.now()).toBeLessThan(deadline + 10_000);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await query(b, "users.byId", { id: 21 });
    expect(await hits()).toBe(before + 1);
  });
});
