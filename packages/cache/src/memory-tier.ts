import { LRUCache } from "lru-cache";

interface MemoryEntry {
  value: unknown;
  /** Bytes of the entry's JSON: what bounds the tier's memory. */
  size: number;
  scopes: readonly string[];
}

export interface MemoryTierOptions {
  maxEntries: number;
  maxBytes: number;
  /**
   * Without Redis, short: the only way an instance learns of another's writes. With Redis,
   * long: the invalidation log tells it (sync.ts).
   */
  ttlMs: number;
}

/**
 * Tier 1: an in-process LRU, bounded by entries and by bytes. Values are kept as the parsed,
 * validated objects, so a hit costs a map lookup. Each entry is indexed by its scopes, so a
 * write can drop every entry it touched (a user's detail and the lists they appear in).
 */
export function createMemoryTier(options: MemoryTierOptions) {
  const byScope = new Map<string, Set<string>>();
  const lru = new LRUCache<string, MemoryEntry>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    sizeCalculation: (entry) => Math.max(1, entry.size),
    ttl: options.ttlMs,
    dispose: (entry, key) => {
      for (const scope of entry.scopes) {
        const keys = byScope.get(scope);
        keys?.delete(key);
        if (keys?.size === 0) byScope.delete(scope);
      }
    },
  });

  return {
    get(key: string): unknown {
      return lru.get(key)?.value;
    },
    set(key: string, value: unknown, size: number, scopes: readonly string[]) {
      // Larger than the whole tier: keep it out rather than evict everything for it.
      if (size > options.maxBytes) return;
      lru.set(key, { value, size, scopes });
      for (const scope of scopes) {
        let keys = byScope.get(scope);
        if (!keys) {
          keys = new Set();
          byScope.set(scope, keys);
        }
        keys.add(key);
      }
    },
    invalidate(scopes: readonly string[]) {
      for (const scope of scopes) {
        for (const key of [...(byScope.get(scope) ?? [])]) lru.delete(key);
      }
    },
    clear() {
      lru.clear();
    },
    stats() {
      return { entries: lru.size, bytes: lru.calculatedSize };
    },
  };
}

export type MemoryTier = ReturnType<typeof createMemoryTier>;
