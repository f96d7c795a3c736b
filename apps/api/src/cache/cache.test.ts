import { startTestRedis, type TestRedis } from "@brisk/upstash-bridge/testing";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type CacheEntry, createCache } from "./cache";
import { createMemoryTier } from "./memory-tier";
import type { CacheObserver, RedisOutcome } from "./observer";
import { createRedisTier } from "./redis-tier";
import { createInvalidationSync } from "./sync";

let redis: TestRedis;
let raw: Redis;
beforeAll(async () => {
  redis = await startTestRedis();
  raw = new Redis({ url: redis.restUrl, token: redis.token, enableTelemetry: false });
});
afterAll(() => redis?.stop());

const schema = z.object({ n: z.number(), at: z.coerce.date() });
type Value = z.infer<typeof schema>;

// Each test keys its entries apart, so tests never see each other's data in the one Redis.
let sequence = 0;
function entry(name = `key-${++sequence}`): CacheEntry<Value> {
  return { key: name, scopes: [`scope:${name}`], ttl: "user", schema };
}

/** What the cache reported, counted. */
function recorder() {
  const counts = new Map<string, number>();
  const bump = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  const observer: CacheObserver = {
    lookup: (tier, _ttl, hit) => bump(`${tier}:${hit ? "hit" : "miss"}`),
    loaded: () => bump("load"),
    corrupt: () => bump("corrupt"),
    redisCommand: (_command, _seconds, outcome: RedisOutcome) => bump(`redis:${outcome}`),
  };
  return { observer, count: (name: string) => counts.get(name) ?? 0 };
}

const started: { close(): void }[] = [];
afterAll(() => {
  for (const cache of started) cache.close();
});

/**
 * One api instance's cache: its own memory tier, the shared Redis under `prefix`, and the
 * poller that keeps its memory in step with other instances' writes within `maxStaleMs`.
 */
async function instance(prefix: string, options: { maxStaleMs?: number; timeoutMs?: number } = {}) {
  const seen = recorder();
  const now = () => performance.now();
  const redisTier = createRedisTier({
    url: redis.restUrl,
    token: redis.token,
    prefix,
    // Generous: a test machine under load must not turn a slow answer into a miss.
    timeoutMs: options.timeoutMs ?? 2_000,
    now,
    observer: seen.observer,
  });
  const memory = createMemoryTier({ ttlMs: 60_000, maxEntries: 1_000, maxBytes: 1_000_000 });
  const sync = createInvalidationSync({
    memory,
    redis: redisTier,
    boundMs: options.maxStaleMs ?? 60_000,
    now,
  });
  const cache = createCache({ memory, redis: redisTier, sync, observer: seen.observer });
  await cache.start();
  started.push(cache);
  return { cache, redisTier, ...seen };
}

function loader(value: Value) {
  const load = async () => {
    load.calls += 1;
    return { ...value };
  };
  load.calls = 0;
  return load;
}

const value = (n: number): Value => ({ n, at: new Date("2026-01-02T03:04:05.000Z") });

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("cache", () => {
  it("serves a repeat read from memory, and another instance's read from Redis", async () => {
    const prefix = `t${++sequence}:`;
    const a = await instance(prefix);
    const b = await instance(prefix);
    const e = entry();
    const load = loader(value(1));

    expect(await a.cache.warm(e, load)).toEqual(value(1));
    expect(await a.cache.getOrLoad(e, load)).toEqual(value(1));
    expect(a.count("memory:hit")).toBe(1);

    const fromRedis = await b.cache.getOrLoad(e, load);
    // Read back from JSON and checked by the schema: the date is a Date again.
    expect(fromRedis).toEqual(value(1));
    expect(fromRedis?.at).toBeInstanceOf(Date);
    expect(b.count("redis:hit")).toBe(1);
    expect(load.calls).toBe(1);
  });

  it("calls the loader once for 100 concurrent misses on one key", async () => {
    const { cache } = await instance(`t${++sequence}:`);
    const e = entry();
    let calls = 0;
    const load = async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return value(7);
    };
    const results = await Promise.all(Array.from({ length: 100 }, () => cache.getOrLoad(e, load)));
    expect(calls).toBe(1);
    expect(results.every((r) => r?.n === 7)).toBe(true);
  });

  it("shares one load between concurrent misses with no tier at all", async () => {
    const cache = createCache({});
    let calls = 0;
    const load = async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return value(8);
    };
    await Promise.all(Array.from({ length: 100 }, () => cache.getOrLoad(entry(), load)));
    expect(calls).toBe(100);
    const e = entry();
    await Promise.all(Array.from({ length: 100 }, () => cache.getOrLoad(e, load)));
    expect(calls).toBe(101);
  });

  it("treats a corrupt or old-shaped entry in Redis as a miss", async () => {
    const prefix = `t${++sequence}:`;
    const e = entry();
    const load = loader(value(3));

    await raw.set(`${prefix}e:${e.key}`, "{not json");
    const first = await instance(prefix);
    expect(await first.cache.getOrLoad(e, load)).toEqual(value(3));
    expect(first.count("corrupt")).toBe(1);

    await raw.set(`${prefix}e:${e.key}`, JSON.stringify({ g: [0], d: { n: "three" } }));
    const second = await instance(prefix);
    expect(await second.cache.getOrLoad(e, load)).toEqual(value(3));
    expect(second.count("corrupt")).toBe(1);
    expect(load.calls).toBe(2);
  });

  it("after a write, the writer reloads at once and others within maxStaleMs", async () => {
    const prefix = `t${++sequence}:`;
    const writer = await instance(prefix, { maxStaleMs: 300 });
    const other = await instance(prefix, { maxStaleMs: 300 });
    const e = entry();
    await writer.cache.getOrLoad(e, loader(value(1)));
    expect(await other.cache.getOrLoad(e, loader(value(99)))).toEqual(value(1));

    await writer.cache.invalidate(e.scopes);
    expect(await writer.cache.getOrLoad(e, loader(value(2)))).toEqual(value(2));

    // The other instance drops its copy when it next polls the invalidation log; Redis then
    // answers anew: the old entry's generation no longer matches, the writer's reload does.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stale = loader(value(99));
    expect(await other.cache.getOrLoad(e, stale)).toEqual(value(2));
    expect(stale.calls).toBe(0);
    // It learnt of the write from the log, not from a failure.
    expect(other.count("redis:error")).toBe(0);
    expect(other.redisTier.breakerState).toBe("closed");
  });

  it("keeps nothing from a load that was running when a write committed", async () => {
    const prefix = `t${++sequence}:`;
    const a = await instance(prefix);
    const e = entry();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = a.cache.getOrLoad(e, async () => {
      await gate;
      return value(1);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await a.cache.invalidate(e.scopes);
    release();
    expect(await slow).toEqual(value(1));

    const fresh = loader(value(2));
    expect(await a.cache.getOrLoad(e, fresh)).toEqual(value(2));
    expect(fresh.calls).toBe(1);
    const b = await instance(prefix);
    expect(await b.cache.getOrLoad(e, loader(value(99)))).toEqual(value(2));
  });

  it("falls back to the loader when Redis is slow, and counts a timeout", async () => {
    const a = await instance(`t${++sequence}:`, { timeoutMs: 50 });
    // Redis itself stalls: a script that spins for 400 ms blocks the whole server.
    const sleeping = raw.eval(
      "local t = redis.call('time') local stop = t[1] * 1000000 + t[2] + 400000 " +
        "repeat t = redis.call('time') until t[1] * 1000000 + t[2] >= stop return 1",
      [],
      [],
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    const load = loader(value(5));
    expect(await a.cache.getOrLoad(entry(), load)).toEqual(value(5));
    expect(load.calls).toBe(1);
    expect(a.count("redis:timeout")).toBe(1);
    await sleeping.catch(() => {});
  });

  it("stops answering from memory when it cannot follow other instances' writes", async () => {
    const a = await instance(`t${++sequence}:`, { maxStaleMs: 300 });
    const e = entry();
    await a.cache.getOrLoad(e, loader(value(1)));
    expect(await a.cache.getOrLoad(e, loader(value(99)))).toEqual(value(1));

    await redis.stopRedis();
    try {
      await new Promise((resolve) => setTimeout(resolve, 400));
      // Another instance may have written meanwhile: the database answers, not memory.
      expect(await a.cache.getOrLoad(e, loader(value(2)))).toEqual(value(2));
    } finally {
      await redis.startRedis();
    }
    // Polling again: memory answers again.
    await until(async () => {
      const hits = a.count("memory:hit");
      await a.cache.getOrLoad(e, loader(value(2)));
      return a.count("memory:hit") > hits;
    });
  });

  it("serves through a Redis outage, owes its invalidations, and settles them on return", async () => {
    const prefix = `t${++sequence}:`;
    const a = await instance(prefix);
    const e = entry();
    await a.cache.getOrLoad(e, loader(value(1)));

    await redis.stopRedis();
    try {
      // Every read answers, from memory or the loader; after a run of failures the breaker
      // stops sending commands at all.
      for (let i = 0; i < 10; i++) {
        expect((await a.cache.getOrLoad(entry(), loader(value(i))))?.n).toBe(i);
      }
      // Refused connections or, while the bridge waits for Redis, timeouts.
      expect(a.count("redis:error") + a.count("redis:timeout")).toBeGreaterThanOrEqual(5);
      expect(a.count("redis:refused")).toBeGreaterThan(0);
      expect(a.redisTier.breakerState).toBe("open");

      await a.cache.invalidate(e.scopes);
      expect(a.redisTier.pendingInvalidations).toBe(1);
      // Meanwhile this instance does not trust Redis for that scope.
      expect(await a.cache.getOrLoad(e, loader(value(2)))).toEqual(value(2));
    } finally {
      await redis.startRedis();
    }

    await until(() => a.redisTier.pendingInvalidations === 0);
    expect(a.redisTier.breakerState).toBe("closed");
    expect(await raw.get(`${prefix}g:${e.scopes[0]}`)).toBe(1);
  });
});
