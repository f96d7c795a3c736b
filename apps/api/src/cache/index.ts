import { createCache } from "./cache";
import { CACHE_PREFIX } from "./entries";
import { createMemoryTier } from "./memory-tier";
import type { CacheObserver } from "./observer";
import { createRedisTier } from "./redis-tier";

export interface CacheSettings {
  /** Tier 1; absent in a process that does not see the writes (the dashboard server). */
  memory?: { ttlMs: number; maxEntries: number; maxBytes: number } | undefined;
  /** Tier 2; absent when no Redis is configured. */
  redis?: { url: string; token: string; timeoutMs: number } | undefined;
  observer?: CacheObserver | undefined;
}

/** The cache as an app builds it from its settings. */
export function buildCache(settings: CacheSettings) {
  return createCache({
    memory: settings.memory && createMemoryTier(settings.memory),
    redis:
      settings.redis &&
      createRedisTier({
        ...settings.redis,
        prefix: CACHE_PREFIX,
        now: () => performance.now(),
        observer: settings.observer,
      }),
    observer: settings.observer,
  });
}

export type { Cache, CacheEntry } from "./cache";
export { warmCache } from "./warm";
