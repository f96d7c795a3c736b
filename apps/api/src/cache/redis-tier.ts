import { Redis } from "@upstash/redis";
import { type Breaker, createBreaker } from "./breaker";
import type { CacheObserver, RedisOutcome } from "./observer";
import { TTL_SECONDS } from "./ttl";

export interface RedisTierOptions {
  url: string;
  token: string;
  /** Bumped when cached shapes change, so a deploy never reads the previous shape's keys. */
  prefix: string;
  /** Past this a command counts as failed: the request goes on to the database. */
  timeoutMs: number;
  now: () => number;
  observer?: CacheObserver | undefined;
}

/** A tier-2 read: the raw entry (or null) and the current generation of each of its scopes. */
export interface RedisLookup {
  raw: string | null;
  generations: number[];
}

class RedisRefused extends Error {
  constructor() {
    super("redis circuit open");
  }
}

// Generation counters outlive every entry that could carry them.
const GENERATION_TTL_SECONDS = 2 * TTL_SECONDS.reference;
const RETRY_PENDING_MS = 1_000;

/**
 * Tier 2: Redis through @upstash/redis, shared by every instance.
 *
 * Invalidation is by generation: each scope (a user, the users list, the tags) has a counter,
 * and an entry records the counters it was loaded under. A write increments its scopes'
 * counters; an entry whose recorded counters differ from the current ones is a miss. A reader
 * that loaded before the write and stores after it therefore stores an entry nobody accepts,
 * which a plain DEL would not prevent.
 *
 * Every command has a short timeout and goes through a circuit breaker, and a write whose
 * invalidation could not reach Redis is retried until it does; meanwhile this instance does
 * not read those scopes from Redis.
 */
export function createRedisTier(options: RedisTierOptions) {
  const redis = new Redis({
    url: options.url,
    token: options.token,
    enableTelemetry: false,
    automaticDeserialization: false,
    // The cache must fail fast: one attempt, bounded by a fresh timeout per HTTP request.
    retry: { retries: 0 },
    signal: () => AbortSignal.timeout(options.timeoutMs),
  });
  const breaker: Breaker = createBreaker({
    failureThreshold: 5,
    cooldownMs: 2_000,
    now: options.now,
  });
  const pending = new Set<string>();
  let retryTimer: NodeJS.Timeout | undefined;

  const entryKey = (key: string) => `${options.prefix}e:${key}`;
  const generationKey = (scope: string) => `${options.prefix}g:${scope}`;

  async function command<T>(name: string, run: () => Promise<T>): Promise<T> {
    if (!breaker.allow()) {
      options.observer?.redisCommand(name, 0, "refused");
      throw new RedisRefused();
    }
    const started = performance.now();
    let outcome: RedisOutcome = "ok";
    try {
      const result = await run();
      breaker.success();
      return result;
    } catch (error) {
      outcome = (error as Error).name === "TimeoutError" ? "timeout" : "error";
      breaker.failure();
      throw error;
    } finally {
      options.observer?.redisCommand(name, (performance.now() - started) / 1000, outcome);
    }
  }

  async function bump(scopes: readonly string[]) {
    await command("invalidate", () => {
      const pipeline = redis.pipeline();
      for (const scope of scopes) {
        pipeline.incr(generationKey(scope));
        pipeline.expire(generationKey(scope), GENERATION_TTL_SECONDS);
      }
      return pipeline.exec();
    });
  }

  function scheduleRetry() {
    if (retryTimer || pending.size === 0) return;
    retryTimer = setTimeout(async () => {
      retryTimer = undefined;
      const scopes = [...pending];
      try {
        await bump(scopes);
        for (const scope of scopes) pending.delete(scope);
      } catch {
        // Still unreachable: try again later.
      }
      scheduleRetry();
    }, RETRY_PENDING_MS);
    retryTimer.unref();
  }

  return {
    get breakerState() {
      return breaker.state;
    },
    get pendingInvalidations() {
      return pending.size;
    },
    /** Whether a scope's invalidation is still owed to Redis, so Redis may hold stale data. */
    isPending(scopes: readonly string[]) {
      return pending.size > 0 && scopes.some((scope) => pending.has(scope));
    },
    /** One round trip: the entry and its scopes' generations. Throws when Redis is unusable. */
    async lookup(key: string, scopes: readonly string[]): Promise<RedisLookup> {
      const values = await command("mget", () =>
        redis.mget<(string | null)[]>(entryKey(key), ...scopes.map(generationKey)),
      );
      return {
        raw: values[0] ?? null,
        generations: values.slice(1).map((v) => (v === null ? 0 : Number(v))),
      };
    },
    async store(key: string, raw: string, ttlSeconds: number) {
      await command("set", () => redis.set(entryKey(key), raw, { ex: ttlSeconds }));
    },
    /** Bumps the scopes' generations; when Redis cannot be reached, owes it and retries. */
    async invalidate(scopes: readonly string[]) {
      try {
        await bump(scopes);
      } catch {
        for (const scope of scopes) pending.add(scope);
        scheduleRetry();
      }
    },
    close() {
      clearTimeout(retryTimer);
    },
  };
}

export type RedisTier = ReturnType<typeof createRedisTier>;
