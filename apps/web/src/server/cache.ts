import "server-only";
import { buildCache, type Cache } from "@brisk/api";
import { serverEnv } from "@/env";

const globalForCache = globalThis as typeof globalThis & { __briskWebCache?: Cache };

/**
 * The cache for in-process procedure calls: the api's Redis tier when one is configured, and
 * no in-process tier. Writes go through apps/api, so this process would only learn of them
 * when its own copies expired: a user who just saved would see the old value.
 */
export function getCache(): Cache {
  if (!globalForCache.__briskWebCache) {
    const env = serverEnv();
    globalForCache.__briskWebCache = buildCache({
      redis:
        env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN
          ? {
              url: env.UPSTASH_REDIS_REST_URL,
              token: env.UPSTASH_REDIS_REST_TOKEN,
              timeoutMs: env.CACHE_REDIS_TIMEOUT_MS,
            }
          : undefined,
    });
  }
  return globalForCache.__briskWebCache;
}
