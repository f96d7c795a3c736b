import { createDb, type Database } from "@brisk/db";
import type { AnyRouter } from "@trpc/server";
import pino from "pino";
import { buildCache, type CacheSettings, warmCache } from "./cache";
import { type Cache, createCache } from "./cache/cache";
import { createApiServer } from "./http/server";
import { createMetrics } from "./telemetry/metrics";
import { observeStatements } from "./telemetry/statements";
import { createContextFactory } from "./trpc/context";
import { createCallerFactory } from "./trpc/init";
import { appRouter } from "./trpc/router";

/**
 * Contexts over a test database, with a logger that stays quiet. Without a cache given, reads
 * go to the database every time, so statement counts see every query.
 */
export function createTestContext(db: Database, cache: Cache = createCache({})) {
  return createContextFactory({
    db,
    cache,
    log: pino({ level: "silent" }),
    requestTimeoutMs: 5_000,
    exposeErrors: false,
  });
}

/** A caller of the real router: one request context, as one HTTP request would have. */
export function createTestCaller(db: Database, cache?: Cache) {
  return createCallerFactory(appRouter)(createTestContext(db, cache)("test"));
}

/**
 * apps/api wired as main.ts wires it (a pool whose statements feed metrics and spans, a
 * context with metrics, the cache built from `cache` settings and warmed) and listening on a
 * free port.
 */
export async function startTestApi(options: {
  url: string;
  router?: AnyRouter;
  cache?: CacheSettings;
}) {
  const metrics = createMetrics({
    poolUsage: () => handle.usage(),
    cacheStats: () => cache.stats(),
  });
  const handle = createDb({
    url: options.url,
    pool: { max: 4, warm: 0 },
    applicationName: `test-api-${process.pid}`,
    onStatement: observeStatements(metrics, "test"),
  });
  const cache = buildCache({ ...options.cache, observer: metrics.cache });
  if (options.cache) {
    await cache.start();
    await warmCache(cache, handle.db);
  }
  const log = pino({ level: "silent" });
  const api = createApiServer({
    router: options.router ?? appRouter,
    createContext: createContextFactory({
      db: handle.db,
      cache,
      log,
      requestTimeoutMs: 5_000,
      exposeErrors: false,
      metrics,
    }),
    log,
    readiness: { sql: handle.sql },
  });
  const base = `http://127.0.0.1:${await api.listen(0, "127.0.0.1")}/trpc`;
  return {
    base,
    metrics,
    cache,
    async stop() {
      await api.drain(1_000);
      cache.close();
      await handle.close();
    },
  };
}
