import type { TtlClass } from "./ttl";

export type CacheTier = "memory" | "redis";
/**
 * `refused`: the breaker was open, so the command was never sent. `shed`: Redis was busy
 * enough that the command was not sent at all (a lookup that would queue behind hundreds
 * of others, a store the full queue had no room for): load, not failure.
 */
export type RedisOutcome = "ok" | "error" | "timeout" | "refused" | "shed";

/** What the cache reports as it works; the runtime's metrics implement it. */
export interface CacheObserver {
  lookup(tier: CacheTier, ttl: TtlClass, hit: boolean): void;
  loaded(ttl: TtlClass, seconds: number): void;
  corrupt(ttl: TtlClass): void;
  redisCommand(command: string, seconds: number, outcome: RedisOutcome): void;
}
