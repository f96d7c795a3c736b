import os from "node:os";
import { createDb, poolOptionsFromEnv, runMigrations } from "@brisk/db";
import { buildCache, warmCache } from "./cache";
import { loadEnv } from "./env";
import { createMetricsServer } from "./http/metrics-server";
import { createApiServer } from "./http/server";
import { createLogger } from "./logger";
import { createMetrics } from "./telemetry/metrics";
import { createOpsSeries } from "./telemetry/ops-series";
import { RecentTraces } from "./telemetry/recent-traces";
import { observeStatements } from "./telemetry/statements";
import { startTracing } from "./telemetry/tracing";
import { createContextFactory } from "./trpc/context";
import { appRouter } from "./trpc/router";

const env = loadEnv();
const telemetryOn = env.TELEMETRY === "on";
const recentTraces = new RecentTraces({ slowMs: env.SLOW_TRACE_MS, capacity: 50 });
// Before anything that makes spans: the SDK registers the tracer and context manager.
const tracing = telemetryOn
  ? startTracing({
      serviceName: env.OTEL_SERVICE_NAME,
      otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
      sampleRatio: env.OTEL_TRACES_SAMPLER_ARG,
      processors: [recentTraces],
    })
  : undefined;
const log = createLogger(env.LOG_LEVEL);

if (env.MIGRATE_ON_START) await runMigrations(env.DATABASE_URL);

const pool = poolOptionsFromEnv(env);
const metrics = createMetrics({
  poolUsage: () => database.usage(),
  cacheStats: () => cache.stats(),
});
const database = createDb({
  url: env.DATABASE_URL,
  pool,
  // Unique per process, so pool gauges count this process's connections only.
  applicationName: `brisk-api:${process.pid}@${os.hostname()}`.slice(0, 55),
  onStatement: telemetryOn
    ? observeStatements(metrics, new URL(env.DATABASE_URL).pathname.slice(1))
    : undefined,
});
await database.warm();
log.info({ pool, requestTimeoutMs: env.DB_REQUEST_TIMEOUT_MS }, "database pool ready");

const cacheOn = env.CACHE === "on";
const redis =
  env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN
    ? {
        url: env.UPSTASH_REDIS_REST_URL,
        token: env.UPSTASH_REDIS_REST_TOKEN,
        timeoutMs: env.CACHE_REDIS_TIMEOUT_MS,
      }
    : undefined;
const memory = {
  maxStaleMs: env.CACHE_MAX_STALE_MS,
  maxEntries: env.CACHE_MEMORY_MAX_ENTRIES,
  maxBytes: env.CACHE_MEMORY_MAX_MB * 1024 * 1024,
};
const cache = buildCache(
  cacheOn ? { memory, redis, observer: telemetryOn ? metrics.cache : undefined } : {},
);
log.info(
  cacheOn
    ? {
        cache: redis ? "memory + redis" : "memory only (set UPSTASH_REDIS_REST_URL for redis)",
        memory,
        redis: redis && { url: redis.url, timeoutMs: redis.timeoutMs },
      }
    : { cache: "off" },
  "cache configured",
);

const api = createApiServer({
  router: appRouter,
  createContext: createContextFactory({
    db: database.db,
    cache,
    log,
    requestTimeoutMs: env.DB_REQUEST_TIMEOUT_MS,
    exposeErrors: env.NODE_ENV === "development",
    metrics: telemetryOn ? metrics : undefined,
    ops: telemetryOn
      ? {
          series: createOpsSeries(metrics.registry, { everyMs: 5_000, points: 120 }),
          traces: recentTraces,
        }
      : undefined,
  }),
  log,
  readiness: { sql: database.sql, isWarm: () => warm },
});
const port = await api.listen(env.PORT, env.HOST);
const metricsServer = createMetricsServer(metrics.registry);
const metricsPort = await metricsServer.listen(env.METRICS_PORT, env.METRICS_HOST);
log.info(
  {
    url: `http://${env.HOST}:${port}`,
    metrics: `http://${env.METRICS_HOST}:${metricsPort}/metrics`,
  },
  "api listening",
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "shutting down");
  const { outcome, abandoned } = await api.drain(env.SHUTDOWN_TIMEOUT_MS);
  if (outcome === "timeout") log.warn({ abandoned }, "shutdown deadline passed");
  cache.close();
  await Promise.all([database.close(), metricsServer.close(), tracing?.shutdown()]);
  log.info("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

// Listening already (so /healthz answers), ready only once warm. A failed warm-up (the
// database went away meanwhile) is retried: readiness must not stay false for good.
let warm = !cacheOn;
while (!warm && !stopping) {
  try {
    await cache.start();
    await warmCache(cache, database.db);
    warm = true;
    log.info(cache.stats(), "cache warmed");
  } catch (error) {
    log.error({ err: error }, "cache warm-up failed; retrying in 2 s");
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}
