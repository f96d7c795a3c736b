import os from "node:os";
import { poolOptionsFromEnv, runMigrations } from "@brisk/db";
import { appRouter, createRuntime, RecentTraces, startTracing } from "@brisk/trpc";
import {
  authFromEnv,
  jobsFromEnv,
  mediaFromEnv,
  memoryFromEnv,
  providersFromEnv,
  redisFromEnv,
  replicasFromEnv,
} from "@brisk/trpc/env";
import { loadEnv } from "./env";
import { createMetricsServer } from "./http/metrics-server";
import { createApiServer } from "./http/server";

const env = loadEnv();
const perCall = env.TELEMETRY === "on";
const slowTraces = perCall
  ? new RecentTraces({ slowMs: env.SLOW_TRACE_MS, capacity: 50 })
  : undefined;
// Before anything that makes spans: the SDK registers the tracer and context manager.
const tracing = slowTraces
  ? startTracing({
      serviceName: env.OTEL_SERVICE_NAME,
      otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
      sampleRatio: env.OTEL_TRACES_SAMPLER_ARG,
      processors: [slowTraces],
    })
  : undefined;

if (env.MIGRATE_ON_START) await runMigrations(env.DATABASE_URL);

const pool = poolOptionsFromEnv(env);
const replicas = replicasFromEnv(env);
const cache =
  env.CACHE === "on" ? { memory: memoryFromEnv(env), redis: redisFromEnv(env) } : undefined;
const jobs = { ...jobsFromEnv(env), media: mediaFromEnv(env) };
const providers = providersFromEnv(env);
const runtime = createRuntime({
  service: "api",
  logLevel: env.LOG_LEVEL,
  database: {
    url: env.DATABASE_URL,
    pool,
    applicationName: `brisk-api:${process.pid}@${os.hostname()}`.slice(0, 55),
    replicas,
    listenUrl: env.DATABASE_LISTEN_URL,
  },
  requestTimeoutMs: env.DB_REQUEST_TIMEOUT_MS,
  exposeErrors: env.NODE_ENV === "development",
  cache,
  auth: authFromEnv(env),
  telemetry: { perCall, slowTraces },
  jobs,
  providers,
});
const { log } = runtime;
log.info(
  {
    pool,
    requestTimeoutMs: env.DB_REQUEST_TIMEOUT_MS,
    replicas: replicas
      ? { hosts: replicas.urls.map((url) => new URL(url).host), stickyMs: replicas.stickyMs }
      : "none",
  },
  "database pool configured",
);
log.info(
  cache
    ? {
        cache: cache.redis
          ? "memory + redis"
          : "memory only (set UPSTASH_REDIS_REST_URL for redis)",
        memory: cache.memory,
        redis: cache.redis && { url: cache.redis.url, timeoutMs: cache.redis.timeoutMs },
      }
    : { cache: "off" },
  "cache configured",
);
log.info(
  {
    providers: Object.fromEntries(
      Object.entries(providers.providers).map(([name, p]) => [name, p.baseUrl]),
    ),
    cache: providers.cache ? { freshMs: providers.freshMs } : "off",
  },
  "providers configured",
);

log.info(
  {
    inngest:
      jobs.inngest.mode === "dev"
        ? { mode: "dev", url: jobs.inngest.url }
        : { mode: "cloud", baseUrl: jobs.inngest.baseUrl ?? "Inngest Cloud" },
    email: jobs.email.transport === "smtp" ? "smtp" : "dev mailbox (set SMTP_URL for smtp)",
    media:
      "s3" in jobs.media.storage
        ? {
            bucket: jobs.media.storage.s3.bucket,
            endpoint: jobs.media.storage.s3.endpoint ?? "AWS",
          }
        : { dir: jobs.media.storage.dir },
  },
  "jobs configured",
);

let warm = false;
const api = createApiServer({
  router: appRouter,
  createContext: runtime.createContext,
  serialize: runtime.serialize,
  log,
  accessLogSample: env.ACCESS_LOG_SAMPLE,
  trustProxyHops: env.TRUST_PROXY_HOPS,
  maxBodyBytes: env.MAX_BODY_BYTES,
  limits: {
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
    maxHeaderBytes: env.HTTP_MAX_HEADER_BYTES,
    keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  },
  readiness: { sql: runtime.db.sql, isWarm: () => warm },
  inngest: runtime.jobs?.handler,
  media: runtime.jobs?.media,
});
const port = await api.listen(env.PORT, env.HOST);
const metricsServer = createMetricsServer(runtime.metrics!.registry);
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
  const deadline = performance.now() + env.SHUTDOWN_TIMEOUT_MS;
  // Draining cuts the live progress streams, whose clients reconnect to another instance and
  // resume from their last event; what follows them in this process stops after.
  const { outcome, abandoned } = await api.drain(env.SHUTDOWN_TIMEOUT_MS);
  if (outcome === "timeout") log.warn({ abandoned }, "shutdown deadline passed");
  await runtime.progress.close();
  // The requests' follow-ups (started as each response finished) get what is left of it,
  // before the pool closes and the last spans are exported.
  await runtime.close(deadline - performance.now());
  await Promise.all([metricsServer.close(), tracing?.shutdown()]);
  log.info("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

// Listening already (so /healthz answers), ready only once warm: the pool's connections open
// and the cache holds what the dashboard's first pages read. A failed warm-up (the database
// unreachable) is retried: readiness must not stay false for good.
while (!warm && !stopping) {
  try {
    await runtime.warm();
    warm = true;
    log.info(runtime.cache.stats(), "warmed up");
  } catch (error) {
    log.error({ err: error }, "warm-up failed; retrying in 2 s");
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}
