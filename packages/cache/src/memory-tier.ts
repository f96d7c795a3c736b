import { LRUCache } from "lru-cache";
import type { TtlClass } from "./ttl";

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
   * How long an entry of a class may stay (cache.ts picks: long when the invalidation log or
   * being the only instance tells tier 1 of every write, short when nothing would).
   */
  ttlMs: (ttl: TtlClass) => number;
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
    // Every entry is set with its own TTL; this only turns TTL tracking on.
    ttl: 1,
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
    set(key: string, value: unknown, size: number, scopes: readonly string[], ttl: TtlClass) {
      // Larger than the whole tier: keep it out rather than evict everything for it.
      if (size > options.maxBytes) return;
      lru.set(key, { value, size, scopes }, { ttl: options.ttlMs(ttl) });
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
