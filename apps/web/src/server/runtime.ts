import "server-only";
import { poolOptionsFromEnv } from "@brisk/db";
import { createRuntime, type Runtime } from "@brisk/trpc";
import { authFromEnv, redisFromEnv, replicasFromEnv, runsFromEnv } from "@brisk/trpc/env";
import { serverEnv } from "@/env";

const globalForRuntime = globalThis as typeof globalThis & { __briskRuntime?: Runtime };

/**
 * The dashboard server's runtime: one per process, built on first use (never at import, so
 * `next build` needs no database) and kept on globalThis, so a development reload reuses its
 * pool instead of opening another.
 *
 * Its cache has no in-process tier: writes go through apps/api, so copies kept here would
 * show a user the old value right after they saved. With Redis, server renders read what
 * apps/api cached.
 */
export function getRuntime(): Runtime {
  if (!globalForRuntime.__briskRuntime) {
    const env = serverEnv();
    const redis = redisFromEnv(env);
    const runtime = createRuntime({
      service: "web",
      logLevel: env.LOG_LEVEL,
      database: {
        url: env.DATABASE_URL,
        pool: poolOptionsFromEnv(env),
        applicationName: `brisk-web:${process.pid}`,
        replicas: replicasFromEnv(env),
      },
      requestTimeoutMs: env.DB_REQUEST_TIMEOUT_MS,
      exposeErrors: env.NODE_ENV === "development",
      cache: redis ? { redis } : undefined,
      auth: authFromEnv(env),
      runs: runsFromEnv(env),
      mediaPublicUrl: env.MEDIA_PUBLIC_URL,
    });
    // Warm in the background: the first requests should not each pay for a connect.
    runtime.db.warm().catch((err: unknown) => {
      runtime.log.warn({ err }, "database pool warm-up failed");
    });
    globalForRuntime.__briskRuntime = runtime;
  }
  return globalForRuntime.__briskRuntime;
}
