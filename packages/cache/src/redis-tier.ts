import { createBreaker, isRefusal } from "@brisk/resilience";
import { Redis } from "@upstash/redis";
import type { CacheObserver, RedisOutcome } from "./observer";
import { TTL_SECONDS } from "./ttl";

export interface RedisTierOptions {
  url: string;
  token: string;
  /** Bumped when cached shapes change, so a deploy never reads the previous shape's keys. */
  prefix: string;
  /** Past this a command counts as failed: the request goes on to the database. */
  timeoutMs: number;
  observer?: CacheObserver | undefined;
}

/** A tier-2 read: the raw entry (or null) and the current generation of each of its scopes. */
export interface RedisLookup {
  raw: string | null;
  generations: number[];
}

/** What other instances invalidated since `seq`: their scopes, or `reset` when too much. */
export type Changes = { seq: number; scopes: string[] } | { seq: number; reset: true };

// Generation counters outlive every entry that could carry them.
const GENERATION_TTL_SECONDS = 2 * TTL_SECONDS.reference;
const RETRY_PENDING_MS = 1_000;
/**
 * Lookups waiting on Redis past which another one is not sent: it would only queue behind
 * them and time out, and a burst of those opens the breaker for everyone.
 */
const MAX_LOOKUPS_IN_FLIGHT = 256;
/** Stores go in pipelines of this many, this many pipelines at a time, off the request path. */
const STORE_BATCH = 100;
const STORES_IN_FLIGHT = 2;
/** Stores waiting past this are dropped, oldest first: a lost store is a later miss. */
const STORE_QUEUE_LIMIT = 5_000;
/** A store holds up no request, so it may wait far longer than a lookup. */
const STORE_TIMEOUT_MS = 2_000;
/** Invalidations kept in the log; an instance further behind drops its whole tier 1. */
const LOG_LENGTH = 1_000;

// One atomic step per write: bump each scope's generation, then append the scopes to the
// invalidation log that instances poll, under the next sequence number.
// KEYS: sequence, log, generation…; ARGV: scopes as JSON, generation TTL, log length.
const INVALIDATE = `
for i = 3, #KEYS do
  redis.call('INCR', KEYS[i])
  redis.call('EXPIRE', KEYS[i], ARGV[2])
end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
return redis.call('INCR', KEYS[1])`;

// The log entries after sequence ARGV[1], read with the sequence in one snapshot.
// Returns {seq} when nothing is new, {seq, 'reset'} when the log no longer reaches back that
// far (or Redis lost it), else {seq, entry…}.
const CHANGES = `
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local last = tonumber(ARGV[1])
if seq == last then return {seq} end
if seq < last or seq - last > tonumber(ARGV[2]) then return {seq, 'reset'} end
local entries = redis.call('LRANGE', KEYS[2], last - seq, -1)
table.insert(entries, 1, seq)
return entries`;

/**
 * Tier 2: Redis through @upstash/redis, shared by every instance.
 *
 * Invalidation is by generation: each scope (a user, the users list, the tags) has a counter,
 * and an entry records the counters it was loaded under. A write increments its scopes'
 * counters; an entry whose recorded counters differ from the current ones is a miss. A reader
 * that loaded before the write and stores after it therefore stores an entry nobody accepts,
 * which a plain DEL would not prevent.
 *
 * Each invalidation is also appended to a short log that every instance polls (see sync.ts),
 * so in-process copies elsewhere drop within a poll interval.
 *
 * Every command has a short timeout and goes through a circuit breaker, and a write whose
 * invalidation could not reach Redis is retried until it does; meanwhile this instance does
 * not read those scopes from Redis.
 */
export function createRedisTier(options: RedisTierOptions) {
  // The cache must fail fast: one attempt, bounded by a fresh timeout per HTTP request.
  const client = (timeoutMs: number) =>
    new Redis({
      url: options.url,
      token: options.token,
      enableTelemetry: false,
      automaticDeserialization: false,
      retry: { retries: 0 },
      signal: () => AbortSignal.timeout(timeoutMs),
    });
  const redis = client(options.timeoutMs);
  // Stores hold up no request: they may wait longer.
  const writer = client(Math.max(options.timeoutMs, STORE_TIMEOUT_MS));
  const breaker = createBreaker({ failureThreshold: 5, cooldownMs: 2_000 });
  let lookupsInFlight = 0;
  const queuedStores = new Map<string, { raw: string; ttlSeconds: number }>();
  let storesInFlight = 0;
  const whenStored: (() => void)[] = [];
  const pending = new Set<string>();
  let retryTimer: NodeJS.Timeout | undefined;

  const entryKey = (key: string) => `${options.prefix}e:${key}`;
  const generationKey = (scope: string) => `${options.prefix}g:${scope}`;
  const sequenceKey = `${options.prefix}invalidations:seq`;
  const logKey = `${options.prefix}invalidations:log`;
  const invalidate = redis.createScript<number>(INVALIDATE);
  const changes = redis.createScript<[number, ...string[]]>(CHANGES);

  /**
   * A command on a request's path, through the breaker. Stores go around it (`guarded`
   * false): they hold up no request, a few at a time, and their slowness under a burst is not
   * a sign that Redis is down.
   */
  async function command<T>(name: string, run: () => Promise<T>, guarded = true): Promise<T> {
    const started = performance.now();
    let outcome: RedisOutcome = "ok";
    try {
      return await (guarded ? breaker.execute(run) : run());
    } catch (error) {
      if (isRefusal(error)) outcome = "refused";
      else outcome = (error as Error).name === "TimeoutError" ? "timeout" : "error";
      throw error;
    } finally {
      const seconds = outcome === "refused" ? 0 : (performance.now() - started) / 1000;
      options.observer?.redisCommand(name, seconds, outcome);
    }
  }

  async function bump(scopes: readonly string[]) {
    await command("invalidate", () =>
      invalidate.exec(
        [sequenceKey, logKey, ...scopes.map(generationKey)],
        [JSON.stringify(scopes), String(GENERATION_TTL_SECONDS), String(LOG_LENGTH)],
      ),
    );
  }

  /** Writes queued stores, a pipeline at a time, until the queue is empty. */
  function writeStores() {
    while (storesInFlight < STORES_IN_FLIGHT && queuedStores.size > 0) {
      const batch: [string, { raw: string; ttlSeconds: number }][] = [];
      for (const queued of queuedStores) {
        batch.push(queued);
        if (batch.length === STORE_BATCH) break;
      }
      for (const [key] of batch) queuedStores.delete(key);
      storesInFlight++;
      command(
        "store",
        () => {
          const pipeline = writer.pipeline();
          for (const [key, { raw, ttlSeconds }] of batch) {
            pipeline.set(entryKey(key), raw, { ex: ttlSeconds });
          }
          return pipeline.exec();
        },
        false,
      )
        // A store that fails is only a later miss.
        .catch(() => {})
        .finally(() => {
          storesInFlight--;
          writeStores();
          if (storesInFlight === 0 && queuedStores.size === 0) {
            for (const resolve of whenStored.splice(0)) resolve();
          }
        });
    }
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
      if (lookupsInFlight >= MAX_LOOKUPS_IN_FLIGHT) {
        options.observer?.redisCommand("mget", 0, "shed");
        throw new Error("redis busy: lookup shed");
      }
      lookupsInFlight++;
      const values = await command("mget", () =>
        redis.mget<(string | null)[]>(entryKey(key), ...scopes.map(generationKey)),
      ).finally(() => {
        lookupsInFlight--;
      });
      return {
        raw: values[0] ?? null,
        generations: values.slice(1).map((v) => (v === null ? 0 : Number(v))),
      };
    },
    /** The invalidations logged after `seq`, by this instance or any other. */
    async changesSince(seq: number): Promise<Changes> {
      const [current, ...entries] = await command("changes", () =>
        changes.exec([sequenceKey, logKey], [String(seq), String(LOG_LENGTH)]),
      );
      const next = Number(current);
      if (entries[0] === "reset") return { seq: next, reset: true };
      return { seq: next, scopes: entries.flatMap((entry) => JSON.parse(entry) as string[]) };
    },
    /**
     * Queues an entry for Redis; queued stores go out in pipelines, a few at a time, so a
     * burst of misses is written as fast as Redis takes it rather than timing out together.
     */
    store(key: string, raw: string, ttlSeconds: number) {
      queuedStores.delete(key);
      queuedStores.set(key, { raw, ttlSeconds });
      if (queuedStores.size > STORE_QUEUE_LIMIT) {
        const oldest = queuedStores.keys().next().value as string;
        queuedStores.delete(oldest);
        options.observer?.redisCommand("store", 0, "shed");
      }
      writeStores();
    },
    /** Resolves once every queued store has been written (or given up on). */
    stored(): Promise<void> {
      if (storesInFlight === 0 && queuedStores.size === 0) return Promise.resolve();
      return new Promise((resolve) => whenStored.push(resolve));
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
