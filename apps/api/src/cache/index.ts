import { createCache } from "./cache";
import { CACHE_PREFIX } from "./entries";
import { createMemoryTier } from "./memory-tier";
import type { CacheObserver } from "./observer";
import { createRedisTier } from "./redis-tier";
import { createInvalidationSync } from "./sync";

export interface CacheSettings {
  /**
   * Tier 1; absent in a process that does not see the writes (the dashboard server).
   * `maxStaleMs`: how long it may answer with a copy another instance's write made stale.
   */
  memory?: { maxStaleMs: number; maxEntries: number; maxBytes: number } | undefined;
  /** Tier 2; absent when no Redis is configured. */
  redis?: { url: string; token: string; timeoutMs: number } | undefined;
  observer?: CacheObserver | undefined;
}

// With Redis, tier 1 learns of other instances' writes from the invalidation log, so its
// entries may live long; this only keeps rarely read ones from holding memory forever.
const SYNCED_MEMORY_TTL_MS = 10 * 60 * 1000;

/** The cache as an app builds it from its settings. Call `start()` before serving. */
export function buildCache(settings: CacheSettings) {
  const now = () => performance.now();
  const redis =
    settings.redis &&
    createRedisTier({ ...settings.redis, prefix: CACHE_PREFIX, now, observer: settings.observer });
  const memory =
    settings.memory &&
    createMemoryTier({
      ...settings.memory,
      ttlMs: redis ? SYNCED_MEMORY_TTL_MS : settings.memory.maxStaleMs,
    });
  const sync =
    memory && redis
      ? createInvalidationSync({ memory, redis, boundMs: settings.memory!.maxStaleMs, now })
      : undefined;
  return createCache({ memory, redis, sync, observer: settings.observer });
}

export type { Cache, CacheEntry } from "./cache";
export { warmCache } from "./warm";
