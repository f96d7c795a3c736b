import type { RedisTier } from "./redis-tier";

export interface SyncOptions {
  redis: RedisTier;
  /** Forgets what tier 1 holds, and what running loads would put there, for these scopes. */
  drop(scopes: readonly string[]): void;
  /** The same for everything. */
  dropAll(): void;
  /** The most an in-process copy may lag a write made on another instance. */
  boundMs: number;
  now: () => number;
}

/**
 * Keeps tier 1 in step with writes made on other instances: it polls Redis's invalidation
 * log a few times per bound and drops the scopes it names. Tier 1 may then keep entries for
 * long (its size bounds it, not a short TTL), which is what makes hot reads hit memory.
 *
 * If polling stops succeeding (Redis down, breaker open), `fresh()` turns false once the
 * bound has passed since the last success, and the cache stops answering from tier 1 until a
 * poll gets through again: the bound holds even when Redis does not.
 */
export function createInvalidationSync(options: SyncOptions) {
  const intervalMs = Math.max(50, Math.floor(options.boundMs / 5));
  let seq: number | undefined;
  let lastSuccess = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function poll() {
    const startedAt = options.now();
    try {
      const changes = await options.redis.changesSince(seq ?? 0);
      // The first good poll only learns where the log is. Whatever tier 1 took before it (an
      // instance that booted and warmed while Redis was down) may predate writes this instance
      // will never hear of, so it goes.
      if (seq === undefined || "reset" in changes) options.dropAll();
      else if (changes.scopes.length > 0) options.drop(changes.scopes);
      seq = changes.seq;
      lastSuccess = startedAt;
    } catch {
      // Unreachable: tier 1 stops answering once the bound passes (see fresh()).
    }
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => void poll().finally(schedule), intervalMs);
    timer.unref();
  }

  return {
    /** One poll now; the following ones run every `boundMs / 5`. */
    async start() {
      await poll();
      schedule();
    },
    /** Whether tier 1 may answer: the last successful poll is recent enough. */
    fresh() {
      return options.now() - lastSuccess <= options.boundMs - intervalMs;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
