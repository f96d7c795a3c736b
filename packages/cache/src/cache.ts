import { z } from "zod";
import type { MemoryTier } from "./memory-tier";
import type { CacheObserver } from "./observer";
import type { RedisTier } from "./redis-tier";
import { createInvalidationSync } from "./sync";
import { jitteredTtlSeconds, type TtlClass } from "./ttl";

/** One cacheable answer: where it lives, what invalidates it, how long, and its shape. */
export interface CacheEntry<T> {
  key: string;
  /** What a write names to drop this entry: `user:42`, `users.list`, `tags.list`. */
  scopes: readonly string[];
  ttl: TtlClass;
  /** Checks a value read back from Redis; an entry that fails it is a miss, not a crash. */
  schema: z.ZodType<T>;
}

/** A value as `getOrRefresh` keeps it: with the time it was loaded, so its age is known. */
export interface Dated<T> {
  loadedAt: number;
  value: T;
}

/** The schema of a `Dated` entry whose value `schema` checks. */
export function datedSchema<T>(schema: z.ZodType<T>): z.ZodType<Dated<T>> {
  return z.object({ loadedAt: z.number(), value: schema }) as z.ZodType<Dated<T>>;
}

/**
 * Where a `getOrRefresh` answer came from. `hit`: fresh from a tier. `loaded`: the loader's
 * (nothing cached, or the copy was past fresh). `stale`: the loader failed and a copy past
 * fresh answered instead.
 */
export type RefreshOutcome = "hit" | "loaded" | "stale";

export interface CacheDeps {
  memory?: MemoryTier | undefined;
  redis?: RedisTier | undefined;
  /**
   * With both tiers: the most tier 1 may lag a write made on another instance. It follows
   * them through Redis's invalidation log (sync.ts).
   */
  maxStaleMs?: number | undefined;
  observer?: CacheObserver | undefined;
  random?: () => number;
  /** Wall-clock milliseconds, for the age of `getOrRefresh` entries (tests move it). */
  now?: () => number;
}

interface Flight {
  promise: Promise<unknown>;
  scopes: readonly string[];
  /** A write to one of its scopes committed while it ran: answer, but keep nothing. */
  stale: boolean;
}

/** The Redis form of an entry: the scope generations it was loaded under, then the data. */
function envelope(generations: number[], json: string) {
  return `{"g":${JSON.stringify(generations)},"d":${json}}`;
}

function sameGenerations(recorded: unknown, current: number[]) {
  return (
    Array.isArray(recorded) &&
    recorded.length === current.length &&
    recorded.every((g, i) => g === current[i])
  );
}

/**
 * The two-tier cache procedures use: `getOrLoad` to read through both tiers to the database,
 * `invalidate` after a write commits. Either tier may be absent (no Redis in development; no
 * in-process tier where writes happen in another process); with neither, it still makes
 * concurrent loads of one key share a single database call.
 */
export function createCache(deps: CacheDeps) {
  const { memory, redis, observer } = deps;
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const inFlight = new Map<string, Flight>();
  const refreshing = new Map<string, Promise<unknown>>();
  /**
   * The JSON of each value tier 1 holds, so a hit served over HTTP is written as these bytes
   * instead of being serialized again on every read. Keyed by the value itself: a procedure
   * that returns the cached value as it is gets its bytes; one that shapes it per caller
   * returns a new object, and is serialized as usual.
   */
  const jsonOf = new WeakMap<object, string>();
  function keep<T>(entry: CacheEntry<NonNullable<T>>, value: T, json: string) {
    if (!memory) return;
    memory.set(entry.key, value, json.length, entry.scopes, entry.ttl);
    if (typeof value === "object" && value !== null) jsonOf.set(value, json);
  }

  /**
   * Drops local copies and marks running loads stale, so a read after a write reloads: a load
   * that read the database before the write must not store its answer after the drop.
   */
  function dropLocal(scopes: readonly string[]) {
    memory?.invalidate(scopes);
    for (const [key, flight] of inFlight) {
      if (flight.scopes.some((scope) => scopes.includes(scope))) {
        flight.stale = true;
        inFlight.delete(key);
      }
    }
  }

  function dropAllLocal() {
    memory?.clear();
    for (const flight of inFlight.values()) flight.stale = true;
    inFlight.clear();
  }

  const sync =
    memory && redis && deps.maxStaleMs !== undefined
      ? createInvalidationSync({
          redis,
          boundMs: deps.maxStaleMs,
          now: () => performance.now(),
          drop: dropLocal,
          dropAll: dropAllLocal,
        })
      : undefined;

  function fromRedis<T>(entry: CacheEntry<T>, raw: string, generations: number[]): T | undefined {
    let parsed: { g?: unknown; d?: unknown };
    try {
      parsed = JSON.parse(raw);
    } catch {
      observer?.corrupt(entry.ttl);
      return undefined;
    }
    // Loaded before a write to one of its scopes: stale, and simply a miss.
    if (!sameGenerations(parsed.g, generations)) return undefined;
    const checked = entry.schema.safeParse(parsed.d);
    if (!checked.success) {
      observer?.corrupt(entry.ttl);
      return undefined;
    }
    return checked.data;
  }

  async function fill<T>(
    entry: CacheEntry<NonNullable<T>>,
    load: () => Promise<T>,
    flight: Flight,
  ): Promise<T> {
    const shared = redis && !redis.isPending(entry.scopes) ? redis : undefined;
    let generations: number[] | undefined;
    if (shared) {
      try {
        const found = await shared.lookup(entry.key, entry.scopes);
        generations = found.generations;
        const value = found.raw === null ? undefined : fromRedis(entry, found.raw, generations);
        observer?.lookup("redis", entry.ttl, value !== undefined);
        if (value !== undefined) {
          if (!flight.stale && memory) keep(entry, value, JSON.stringify(value));
          return value as T;
        }
      } catch {
        // Redis is down, slow or refused by the breaker: the database answers instead.
      }
    }

    const started = performance.now();
    const value = await load();
    observer?.loaded(entry.ttl, (performance.now() - started) / 1000);
    if (value === null || value === undefined || flight.stale) return value;
    // With no tier to keep it in (CACHE=off, or the dashboard without Redis), nothing to do.
    const storeUnder = shared ? generations : undefined;
    if (!memory && !storeUnder) return value;

    const json = JSON.stringify(value);
    keep(entry, value, json);
    // Queued, not awaited: the caller has its answer; other instances find it once stored.
    if (shared && storeUnder) {
      shared.store(entry.key, envelope(storeUnder, json), jitteredTtlSeconds(entry.ttl, random));
    }
    return value;
  }

  /**
   * The newest copy either tier holds, without loading, and the generations a new copy is
   * stored under. Redis is asked only when tier 1 has no fresh copy: another instance may
   * have refreshed it there.
   */
  async function peek<T>(entry: CacheEntry<Dated<T>>, freshMs: number) {
    let value: Dated<T> | undefined;
    if (memory && (!sync || sync.fresh())) {
      value = memory.get(entry.key) as Dated<T> | undefined;
      observer?.lookup("memory", entry.ttl, value !== undefined);
      if (value && now() - value.loadedAt < freshMs) return { value, generations: undefined };
    }
    const shared = redis && !redis.isPending(entry.scopes) ? redis : undefined;
    if (!shared) return { value, generations: undefined };
    try {
      const found = await shared.lookup(entry.key, entry.scopes);
      const stored =
        found.raw === null ? undefined : fromRedis(entry, found.raw, found.generations);
      observer?.lookup("redis", entry.ttl, stored !== undefined);
      if (stored && (!value || stored.loadedAt > value.loadedAt)) {
        value = stored;
        keep(entry, stored, JSON.stringify(stored));
      }
      return { value, generations: found.generations };
    } catch {
      // Redis down: what tier 1 has, and nothing shared is stored this time.
      return { value, generations: undefined };
    }
  }

  /** Loads and keeps a new copy in both tiers; concurrent refreshes of one key share a load. */
  function refresh<T>(entry: CacheEntry<Dated<T>>, load: () => Promise<T>, generations?: number[]) {
    const running = refreshing.get(entry.key);
    if (running) return running as Promise<Dated<T>>;
    const started = performance.now();
    const promise = load()
      .then((value) => {
        observer?.loaded(entry.ttl, (performance.now() - started) / 1000);
        const dated = { loadedAt: now(), value };
        const json = JSON.stringify(dated);
        keep(entry, dated, json);
        if (redis && generations) {
          redis.store(
            entry.key,
            envelope(generations, json),
            jitteredTtlSeconds(entry.ttl, random),
          );
        }
        return dated;
      })
      .finally(() => refreshing.delete(entry.key));
    refreshing.set(entry.key, promise);
    return promise;
  }

  function run<T>(entry: CacheEntry<NonNullable<T>>, load: () => Promise<T>) {
    const flight: Flight = { promise: Promise.resolve(), scopes: entry.scopes, stale: false };
    flight.promise = fill(entry, load, flight).finally(() => {
      if (inFlight.get(entry.key) === flight) inFlight.delete(entry.key);
    });
    inFlight.set(entry.key, flight);
    return flight.promise as Promise<T>;
  }

  return {
    /** Starts following other instances' invalidations (a first poll, then a timer). */
    async start() {
      await sync?.start();
    },

    /**
     * The cached value, or the loader's (stored in both tiers). Concurrent misses on one key
     * share one load. A null from the loader (nothing found) is returned and not cached.
     */
    getOrLoad<T>(entry: CacheEntry<NonNullable<T>>, load: () => Promise<T>): Promise<T> {
      if (memory) {
        // Out of step with other instances (Redis unreachable too long): a miss until it is not.
        const hit = !sync || sync.fresh() ? memory.get(entry.key) : undefined;
        observer?.lookup("memory", entry.ttl, hit !== undefined);
        if (hit !== undefined) return Promise.resolve(hit as T);
      }
      const running = inFlight.get(entry.key);
      if (running) return running.promise as Promise<T>;
      return run(entry, load);
    },

    /**
     * Stale-if-error: the cached value while it is younger than `freshMs`; past that the
     * loader's, kept in both tiers. When the loader fails, the old copy answers (as old as the
     * entry's TTL class lets a copy live) with its age; with no copy, the failure is thrown.
     */
    async getOrRefresh<T>(
      entry: CacheEntry<Dated<T>>,
      load: () => Promise<T>,
      freshMs: number,
    ): Promise<{ value: T; ageMs: number; outcome: RefreshOutcome }> {
      const cached = await peek(entry, freshMs);
      if (cached.value && now() - cached.value.loadedAt < freshMs) {
        return { value: cached.value.value, ageMs: now() - cached.value.loadedAt, outcome: "hit" };
      }
      try {
        const loaded = await refresh(entry, load, cached.generations);
        // Just fetched: no age, whatever the clock moved while the answer came back.
        return { value: loaded.value, ageMs: 0, outcome: "loaded" };
      } catch (error) {
        if (!cached.value) throw error;
        return {
          value: cached.value.value,
          ageMs: now() - cached.value.loadedAt,
          outcome: "stale",
        };
      }
    },

    /** What the value serializes to, when it is one tier 1 holds; undefined otherwise. */
    serialized(value: unknown): string | undefined {
      return typeof value === "object" && value !== null ? jsonOf.get(value) : undefined;
    },

    /** Waits for the Redis writes still queued: what was loaded is then shared. */
    async flush() {
      await redis?.stored();
    },

    /**
     * Call after the write's transaction commits. Local copies go at once, and again once
     * Redis has the new generations: a load that read Redis between the two could otherwise
     * keep the old value in this process for the tier-1 TTL.
     */
    async invalidate(scopes: readonly string[]) {
      dropLocal(scopes);
      if (!redis) return;
      await redis.invalidate(scopes);
      dropLocal(scopes);
    },

    stats() {
      return {
        memory: memory?.stats(),
        breaker: redis?.breakerState,
        pendingInvalidations: redis?.pendingInvalidations ?? 0,
      };
    },

    close() {
      sync?.stop();
      redis?.close();
    },
  };
}

export type Cache = ReturnType<typeof createCache>;
export type CacheStats = ReturnType<Cache["stats"]>;
