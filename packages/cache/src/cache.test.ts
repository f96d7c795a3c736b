import { startTestRedis, type TestRedis } from "@brisk/upstash-bridge/testing";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type CacheEntry, createCache, type Dated, datedSchema } from "./cache";
import { buildCache } from "./index";
import { createMemoryTier } from "./memory-tier";
import type { CacheObserver } from "./observer";
import { createRedisTier } from "./redis-tier";

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

/** What the cache reported, counted: `memory:hit`, `redis:timeout`, `redis:mget:timeout`… */
function recorder() {
  const counts = new Map<string, number>();
  const bump = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  const observer: CacheObserver = {
    lookup: (tier, _ttl, hit) => bump(`${tier}:${hit ? "hit" : "miss"}`),
    loaded: () => bump("load"),
    corrupt: () => bump("corrupt"),
    redisCommand: (command, _seconds, outcome) => {
      bump(`redis:${outcome}`);
      bump(`redis:${command}:${outcome}`);
    },
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
async function instance(
  prefix: string,
  options: { maxStaleMs?: number; timeoutMs?: number; now?: () => number } = {},
) {
  const seen = recorder();
  const redisTier = createRedisTier({
    url: redis.restUrl,
    token: redis.token,
    prefix,
    // Generous: a test machine under load must not turn a slow answer into a miss.
    timeoutMs: options.timeoutMs ?? 2_000,
    observer: seen.observer,
  });
  const memory = createMemoryTier({ ttlMs: () => 60_000, maxEntries: 1_000, maxBytes: 1_000_000 });
  const cache = createCache({
    memory,
    redis: redisTier,
    maxStaleMs: options.maxStaleMs ?? 60_000,
    observer: seen.observer,
    now: options.now,
  });
  await cache.start();
  started.push(cache);
  return { cache, redisTier, ...seen };
}

/** A loader standing in for the database: it answers `value`, and counts its calls. */
function loader(value: Value) {
  const load = async () => {
    load.calls += 1;
    return { ...value };
  };
  load.calls = 0;
  return load;
}

const value = (n: number): Value => ({ n, at: new Date("2026-01-02T03:04:05.000Z") });

/** A load that answers `result` only once `finish()` is called; `started` once it runs. */
function heldLoad(result: Value) {
  let begin!: () => void;
  let end!: () => void;
  const started = new Promise<void>((resolve) => {
    begin = resolve;
  });
  const finished = new Promise<void>((resolve) => {
    end = resolve;
  });
  return {
    started,
    finish: end,
    run: async () => {
      begin();
      await finished;
      return result;
    },
  };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Until Redis holds the entry that a load stored without waiting. */
const stored = (prefix: string, e: CacheEntry<Value>) =>
  until(async () => (await raw.exists(`${prefix}e:${e.key}`)) === 1);

/** Until `a` answers `e` from memory again (its sync has polled successfully since). */
async function untilMemoryAnswers(a: Awaited<ReturnType<typeof instance>>, e: CacheEntry<Value>) {
  await until(async () => {
    const hits = a.count("memory:hit");
    await a.cache.getOrLoad(e, loader(value(-1)));
    return a.count("memory:hit") > hits;
  });
}

describe("cache", () => {
  it("serves a repeat read from memory, and another instance's read from Redis", async () => {
    const prefix = `t${++sequence}:`;
    const a = await instance(prefix);
    const b = await instance(prefix);
    const e = entry();
    const load = loader(value(1));

    expect(await a.cache.getOrLoad(e, load)).toEqual(value(1));
    expect(await a.cache.getOrLoad(e, load)).toEqual(value(1));
    expect(a.count("memory:hit")).toBe(1);

    await stored(prefix, e);
    const fromRedis = await b.cache.getOrLoad(e, load);
    // Read back from JSON and checked by the schema: the date is a Date again.
    expect(fromRedis).toEqual(value(1));
    expect(fromRedis.at).toBeInstanceOf(Date);
    expect(b.count("redis:hit")).toBe(1);
    expect(load.calls).toBe(1);
  });

  it("keeps the JSON of what tier 1 holds: the bytes serializing the value gives", async () => {
    const prefix = `t${++sequence}:`;
    const a = await instance(prefix);
    const b = await instance(prefix);
    const e = entry();
    const loaded = await a.cache.getOrLoad(e, loader(value(6)));
    expect(a.cache.serialized(loaded)).toBe(JSON.stringify(loaded));
    // Read back from Redis into another instance's memory: its JSON is its own value's.
    await stored(prefix, e);
    const fromRedis = await b.cache.getOrLoad(e, loader(value(99)));
    expect(b.count("redis:hit")).toBe(1);
    expect(b.cache.serialized(fromRedis)).toBe(JSON.stringify(fromRedis));
    // A value the cache does not hold (a copy, or a cache with no tier 1) has none.
    expect(a.cache.serialized({ ...loaded })).toBeUndefined();
    const noTier = createCache({});
    expect(noTier.serialized(await noTier.getOrLoad(entry(), loader(value(7))))).toBeUndefined();
  });

  it("without Redis, keeps entries past maxStaleMs only when it is the only instance", async () => {
    const memory = { maxStaleMs: 250, maxEntries: 100, maxBytes: 100_000 };
    const alone = buildCache({ prefix: "alone:", memory: { ...memory, alone: true } });
    const shared = buildCache({ prefix: "shared:", memory: { ...memory, alone: false } });
    const e = entry();
    await alone.getOrLoad(e, loader(value(1)));
    await shared.getOrLoad(e, loader(value(1)));
    // One of several: its copy goes once another instance's write could have made it stale.
    const sharedLoads = loader(value(2));
    await until(async () => (await shared.getOrLoad(e, sharedLoads)).n === 2);
    // Alone, only its own writes change the data: the copy stays for the class TTL.
    const aloneLoads = loader(value(2));
    expect(await alone.getOrLoad(e, aloneLoads)).toEqual(value(1));
    expect(aloneLoads.calls).toBe(0);
    await alone.invalidate(e.scopes);
    expect(await alone.getOrLoad(e, aloneLoads)).toEqual(value(2));
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
    expect(results).toHaveLength(100);
    expect(results.every((r) => r.n === 7)).toBe(true);
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

  it("returns the loader's null (nothing found) without keeping it", async () => {
    const { cache } = await instance(`t${++sequence}:`);
    const e = entry();
    expect(await cache.getOrLoad(e, async (): Promise<Value | null> => null)).toBeNull();
    const load = loader(value(4));
    expect(await cache.getOrLoad(e, load)).toEqual(value(4));
    expect(load.calls).toBe(1);
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
    await stored(prefix, e);
    expect(await other.cache.getOrLoad(e, loader(value(99)))).toEqual(value(1));
    await untilMemoryAnswers(other, e);

    // The write: the database now holds 2.
    await writer.cache.invalidate(e.scopes);
    const database = loader(value(2));
    expect(await writer.cache.getOrLoad(e, database)).toEqual(value(2));

    // The other instance drops its copy when it next polls the invalidation log.
    await until(async () => (await other.cache.getOrLoad(e, database)).n === 2);
    // It learnt of the write from the log, not from a failure.
    expect(other.count("redis:error") + other.count("redis:timeout")).toBe(0);
    expect(other.redisTier.breakerState).toBe("closed");
  });

  it("keeps nothing from a load that was running when a write committed", async () => {
    const prefix = `t${++sequence}:`;
    const a = await instance(prefix);
    const e = entry();
    const load = heldLoad(value(1));
    const slow = a.cache.getOrLoad(e, load.run);
    await load.started;
    await a.cache.invalidate(e.scopes);
    load.finish();
    expect(await slow).toEqual(value(1));

    const fresh = loader(value(2));
    expect(await a.cache.getOrLoad(e, fresh)).toEqual(value(2));
    expect(fresh.calls).toBe(1);
    await stored(prefix, e);
    const b = await instance(prefix);
    expect(await b.cache.getOrLoad(e, loader(value(99)))).toEqual(value(2));
  });

  it("keeps nothing from a load that was running when another instance's write arrived", async () => {
    const prefix = `t${++sequence}:`;
    const reader = await instance(prefix, { maxStaleMs: 300 });
    const writer = await instance(prefix, { maxStaleMs: 300 });
    const e = entry();
    // A second entry the reader holds in memory: once it is gone, the poll that brought the
    // write has been handled.
    const probe = entry();
    await reader.cache.getOrLoad(probe, loader(value(0)));
    await untilMemoryAnswers(reader, probe);

    const load = heldLoad(value(1));
    // The reader reads the database (value 1) before the write…
    const slow = reader.cache.getOrLoad(e, load.run);
    await load.started;
    await writer.cache.invalidate([...e.scopes, ...probe.scopes]);
    const probeLoad = loader(value(0));
    await until(async () => {
      await reader.cache.getOrLoad(probe, probeLoad);
      return probeLoad.calls > 0;
    });
    // …and answers after it: that answer may be old, so it must not stay in memory.
    load.finish();
    expect(await slow).toEqual(value(1));
    const database = loader(value(2));
    expect(await reader.cache.getOrLoad(e, database)).toEqual(value(2));
    expect(database.calls).toBe(1);
  });

  it("falls back to the loader when Redis stalls, and counts the timeout", async () => {
    const a = await instance(`t${++sequence}:`, { timeoutMs: 200 });
    // Redis itself stalls: every client's commands wait until the pause ends.
    await redis.command(["client", "pause", "1500", "all"]);
    try {
      const load = loader(value(5));
      expect(await a.cache.getOrLoad(entry(), load)).toEqual(value(5));
      expect(load.calls).toBe(1);
      expect(a.count("redis:mget:timeout")).toBe(1);
      expect(a.count("redis:mget:ok")).toBe(0);
    } finally {
      await redis.command(["client", "unpause"]);
    }
  });

  it("stops answering from memory when it cannot follow other instances' writes", async () => {
    const a = await instance(`t${++sequence}:`, { maxStaleMs: 300 });
    const e = entry();
    await a.cache.getOrLoad(e, loader(value(1)));
    await untilMemoryAnswers(a, e);

    await redis.stopRedis();
    try {
      // Once the bound has passed without a successful poll, the database answers, not memory:
      // another instance may have written meanwhile.
      const database = loader(value(2));
      await until(async () => (await a.cache.getOrLoad(e, database)).n === 2);
      expect(database.calls).toBeGreaterThan(0);
    } finally {
      await redis.startRedis();
    }
    // Polling again: memory answers again.
    await untilMemoryAnswers(a, e);
  });

  it("drops all of memory when Redis has lost the invalidation log", async () => {
    const prefix = `t${++sequence}:`;
    const a = await instance(prefix, { maxStaleMs: 300 });
    const writer = await instance(prefix, { maxStaleMs: 300 });
    const e = entry();
    await a.cache.getOrLoad(e, loader(value(1)));
    // Another instance's write, which `a` has seen once its copy of the probe is gone: the log
    // `a` follows is past its start.
    const probe = entry();
    await a.cache.getOrLoad(probe, loader(value(0)));
    await writer.cache.invalidate(probe.scopes);
    const probeLoad = loader(value(0));
    await until(async () => {
      await a.cache.getOrLoad(probe, probeLoad);
      return probeLoad.calls > 0;
    });
    await untilMemoryAnswers(a, e);

    // Redis came back empty (a restart without persistence): the log is gone with the entries,
    // so the instance cannot tell what it missed, and forgets everything.
    await raw.del(
      `${prefix}invalidations:seq`,
      `${prefix}invalidations:log`,
      `${prefix}e:${e.key}`,
    );
    const database = loader(value(2));
    await until(async () => (await a.cache.getOrLoad(e, database)).n === 2);
    expect(database.calls).toBe(1);
  });

  it("does not serve what it loaded before it could first read the log", async () => {
    const prefix = `t${++sequence}:`;
    const e = entry();
    // Redis answers, but the log cannot be read (its sequence key holds a list): as for an
    // instance booted while Redis was down, every poll fails.
    const sequenceKey = `${prefix}invalidations:seq`;
    await raw.lpush(sequenceKey, "blocks the log");
    const booted = await instance(prefix, { maxStaleMs: 300 });
    // Warmed meanwhile: memory holds 1, read from the database.
    expect(await booted.cache.getOrLoad(e, loader(value(1)))).toEqual(value(1));

    // Another instance's write lands before the first poll that succeeds, all at once: the
    // generation bump and the log entry its invalidation script would make.
    await raw
      .multi()
      .del(sequenceKey)
      .incr(`${prefix}g:${e.scopes[0]}`)
      .rpush(`${prefix}invalidations:log`, JSON.stringify(e.scopes))
      .incr(sequenceKey)
      .exec();

    // That first good poll finds the log already past the write; what memory took before it
    // may predate the write, so none of it is served.
    await untilMemoryAnswers(booted, entry());
    expect(await booted.cache.getOrLoad(e, loader(value(2)))).toEqual(value(2));
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
        expect((await a.cache.getOrLoad(entry(), loader(value(i)))).n).toBe(i);
      }
      // Refused connections or, while the bridge waits for Redis, timeouts.
      expect(a.count("redis:error") + a.count("redis:timeout")).toBeGreaterThanOrEqual(5);
      expect(a.count("redis:refused")).toBeGreaterThan(0);
      expect(a.redisTier.breakerState).toBe("open");

      await a.cache.invalidate(e.scopes);
      expect(a.redisTier.pendingInvalidations).toBe(1);
    } finally {
      await redis.startRedis();
    }

    await until(() => a.redisTier.pendingInvalidations === 0);
    expect(a.redisTier.breakerState).toBe("closed");
    expect(await raw.get(`${prefix}g:${e.scopes[0]}`)).toBe(1);
  });

  it("does not read a scope from Redis while its invalidation is owed", async () => {
    const prefix = `t${++sequence}:`;
    const a = await instance(prefix);
    const e = entry();
    await a.cache.getOrLoad(e, loader(value(1)));
    await stored(prefix, e);

    // Redis answers, but the write's invalidation cannot land: its generation key holds a
    // list, so INCR fails. Redis still holds the entry stored before the write, and reading
    // that list's generation as 0 would make the entry look current.
    const generation = `${prefix}g:${e.scopes[0]}`;
    await raw.lpush(generation, "blocks INCR");
    await a.cache.invalidate(e.scopes);
    expect(a.redisTier.pendingInvalidations).toBe(1);

    const database = loader(value(2));
    expect(await a.cache.getOrLoad(e, database)).toEqual(value(2));
    expect(database.calls).toBe(1);
    expect(a.count("redis:hit")).toBe(0);

    // Once the key is fixed the owed invalidation lands.
    await raw.del(generation);
    await until(() => a.redisTier.pendingInvalidations === 0);
    expect(await raw.get(generation)).toBe(1);
  });
});

describe("getOrRefresh (stale-if-error)", () => {
  const datedEntry = (): CacheEntry<Dated<Value>> => ({
    key: `dated-${++sequence}`,
    scopes: [`scope:dated-${sequence}`],
    ttl: "reference",
    schema: datedSchema(schema),
  });
  const failing = async (): Promise<Value> => {
    throw new Error("upstream down");
  };

  it("answers fresh copies, refreshes old ones, and serves an old one with its age when the loader fails", async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const prefix = `t${++sequence}:`;
    const a = await instance(prefix, { now });
    const e = datedEntry();

    const first = loader(value(1));
    expect(await a.cache.getOrRefresh(e, first, 1_000)).toMatchObject({
      outcome: "loaded",
      ageMs: 0,
    });
    clock += 500;
    expect(await a.cache.getOrRefresh(e, first, 1_000)).toEqual({
      value: value(1),
      ageMs: 500,
      outcome: "hit",
    });
    expect(first.calls).toBe(1);

    clock += 1_000;
    const second = loader(value(2));
    expect(await a.cache.getOrRefresh(e, second, 1_000)).toMatchObject({
      value: value(2),
      outcome: "loaded",
    });
    expect(second.calls).toBe(1);

    clock += 5_000;
    expect(await a.cache.getOrRefresh(e, failing, 1_000)).toEqual({
      value: value(2),
      ageMs: 5_000,
      outcome: "stale",
    });

    // Another instance, nothing in its memory: the copy the first stored in Redis answers.
    await until(async () => (await raw.exists(`${prefix}e:${e.key}`)) === 1);
    const b = await instance(prefix, { now });
    expect(await b.cache.getOrRefresh(e, failing, 1_000)).toMatchObject({
      value: value(2),
      outcome: "stale",
    });
    expect(b.count("redis:hit")).toBe(1);
  });

  it("throws the loader's failure when there is no copy at all", async () => {
    const a = await instance(`t${++sequence}:`);
    await expect(a.cache.getOrRefresh(datedEntry(), failing, 1_000)).rejects.toThrow(
      "upstream down",
    );
  });

  it("shares one load between concurrent refreshes of a key", async () => {
    const cache = createCache({});
    const load = loader(value(3));
    const e = datedEntry();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => cache.getOrRefresh(e, load, 1_000)),
    );
    expect(answers.every((answer) => answer.value.n === 3)).toBe(true);
    expect(load.calls).toBe(1);
  });
});
