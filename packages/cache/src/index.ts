import { createCache } from "./cache";
import { createMemoryTier } from "./memory-tier";
import type { CacheObserver } from "./observer";
import { createRedisTier } from "./redis-tier";
import { jitteredTtlSeconds, type TtlClass } from "./ttl";

export interface CacheSettings {
  /** Redis key prefix: bump it when cached shapes change, so a deploy never reads old ones. */
  prefix: string;
  /**
   * Tier 1; absent in a process that does not see the writes (the dashboard server).
   * `maxStaleMs`: how long it may answer with a copy another instance's write made stale.
   * `alone`: this is the only process that writes (one api instance, writes never made
   * elsewhere), so without Redis its own invalidations are all there are.
   */
  memory?: { maxStaleMs: number; maxEntries: number; maxBytes: number; alone: boolean } | undefined;
  /** Tier 2; absent when no Redis is configured. */
  redis?: { url: string; token: string; timeoutMs: number } | undefined;
  observer?: CacheObserver | undefined;
}

// With Redis, tier 1 learns of other instances' writes from the invalidation log, so its
// entries may live long; this only keeps rarely read ones from holding memory forever.
const SYNCED_MEMORY_TTL_MS = 10 * 60 * 1000;

/**
 * How long tier 1 keeps an entry: until the class TTL when this instance sees every write
 * (alone, or told by the log, capped then), and only as long as a copy may be stale when
 * nothing would tell it of another instance's write.
 */
function memoryTtl(memory: NonNullable<CacheSettings["memory"]>, synced: boolean) {
  if (synced) return () => SYNCED_MEMORY_TTL_MS;
  if (memory.alone) return (ttl: TtlClass) => jitteredTtlSeconds(ttl) * 1000;
  return () => memory.maxStaleMs;
}

/** The cache as an app builds it from its settings. Call `start()` before serving. */
export function buildCache(settings: CacheSettings) {
  const { prefix, memory: memorySettings, redis: redisSettings, observer } = settings;
  const redis = redisSettings && createRedisTier({ ...redisSettings, prefix, observer });
  const memory =
    memorySettings &&
    createMemoryTier({ ...memorySettings, ttlMs: memoryTtl(memorySettings, Boolean(redis)) });
  return createCache({ memory, redis, maxStaleMs: memorySettings?.maxStaleMs, observer });
}

export type { Cache, CacheEntry, CacheStats, Dated, RefreshOutcome } from "./cache";
export { createCache, datedSchema } from "./cache";
export type { CacheObserver, CacheTier, RedisOutcome } from "./observer";
export { TTL_SECONDS, type TtlClass } from "./ttl";
