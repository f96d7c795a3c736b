import type { Cache } from "@brisk/cache";
import type { DbHandle } from "@brisk/db";
import { createBreaker } from "@brisk/resilience";
import { Redis } from "@upstash/redis";
import { credential } from "./auth/identity";
import { tokenHash } from "./auth/tokens";
import type { RequestInfo } from "./request";

/** Read replicas as the runtime is given them (`replicasFromEnv`). */
export interface ReplicaSettings {
  urls: readonly string[];
  /** How long a signed-in caller's reads stay on the primary after they write. */
  stickyMs: number;
  /** Where instances tell each other who wrote (the cache's Redis); absent: in process only. */
  redis?: { url: string; token: string; timeoutMs: number } | undefined;
}

/** Local entries past this are swept on the next write; a write is rare next to a read. */
const LOCAL_SWEEP_AT = 10_000;

/**
 * Who wrote within the last `stickyMs`, by the hash of the credential they wrote with (the
 * session or the API key: what every later request of theirs carries, known without looking
 * the caller up).
 *
 * Why Redis: a caller who writes through one api instance may read through another (or
 * through the dashboard's server), and only a shared store tells that one. The mark is written
 * before the mutation answers, so no later read of the caller can miss it. Without Redis
 * (one instance, or development) the process's own record is all there is. With Redis
 * unreachable, a caller who may have written elsewhere reads the primary: correct, at the
 * cost of the replicas' share of the reads until Redis is back.
 */
export function createRecentWriters(options: {
  stickyMs: number;
  redis?: { url: string; token: string; timeoutMs: number } | undefined;
  prefix: string;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  const local = new Map<string, number>();
  const redis =
    options.redis &&
    new Redis({
      url: options.redis.url,
      token: options.redis.token,
      enableTelemetry: false,
      retry: { retries: 0 },
      signal: () => AbortSignal.timeout(options.redis!.timeoutMs),
    });
  // As for the cache's Redis tier: a Redis that is down costs a refusal, not a timeout each.
  const breaker = createBreaker({ failureThreshold: 5, cooldownMs: 2_000 });
  const key = (id: string) => `${options.prefix}wrote:${id}`;

  return {
    async wrote(id: string) {
      if (local.size > LOCAL_SWEEP_AT) {
        for (const [k, until] of local) if (until <= now()) local.delete(k);
      }
      local.set(id, now() + options.stickyMs);
      if (!redis) return;
      // Not marked in Redis: other instances may read this caller from a replica for a while.
      await breaker
        .execute(() => redis.set(key(id), 1, { px: options.stickyMs }))
        .catch(() => undefined);
    },
    async wroteRecently(id: string): Promise<boolean> {
      const until = local.get(id);
      if (until !== undefined && until > now()) return true;
      if (!redis) return false;
      try {
        return (await breaker.execute(() => redis.exists(key(id)))) === 1;
      } catch {
        return true;
      }
    },
  };
}

export type RecentWriters = ReturnType<typeof createRecentWriters>;

/**
 * Where a procedure call reads, decided in one place (`routeReads`, a step of `withCall` in
 * init.ts): a query reads a replica unless its caller wrote within the sticky window; a
 * mutation (and a subscription) reads the primary, and marks its caller. Writes go to the
 * primary whatever the call (Drizzle's withReplicas), and so does everything outside a
 * procedure call.
 */
export function createReadRouter(deps: {
  reads: NonNullable<DbHandle["reads"]>;
  writers: RecentWriters;
  cookieName: string;
}) {
  const writer = (request: RequestInfo) => {
    const found = credential(request, deps.cookieName);
    return found && tokenHash(found.token);
  };
  // Asked once per request, not once per call: a batch or a server render makes many.
  const answers = new WeakMap<RequestInfo, Promise<boolean>>();
  return {
    onReplica: deps.reads.onReplica,
    onPrimary: deps.reads.onPrimary,
    /** After a mutation: its caller's reads go to the primary for the sticky window. */
    async wrote(request: RequestInfo) {
      const id = writer(request);
      if (!id) return;
      answers.set(request, Promise.resolve(true));
      await deps.writers.wrote(id);
    },
    wroteRecently(request: RequestInfo): Promise<boolean> {
      let answer = answers.get(request);
      if (!answer) {
        const id = writer(request);
        answer = id === undefined ? Promise.resolve(false) : deps.writers.wroteRecently(id);
        answers.set(request, answer);
      }
      return answer;
    },
  };
}

export type ReadRouter = ReturnType<typeof createReadRouter>;

/**
 * The cache as procedures see it with replicas: its loads read the primary. A cached copy
 * outlives a replica's lag (a copy loaded from a replica just after a write would be kept,
 * under the write's new generation, for its whole TTL), and the session and API-key lookups
 * that ride on it must see a sign-out or a revocation at once.
 */
export function loadingFromPrimary(cache: Cache, router: ReadRouter): Cache {
  return {
    ...cache,
    getOrLoad: (entry, load) => cache.getOrLoad(entry, () => router.onPrimary(load)),
  };
}
