import { availableParallelism } from "node:os";
import { buildCache, type Cache, type CacheSettings, createCache } from "@brisk/cache";
import { createDb, type PoolOptions, type QueryHook, REPLICA_CHECK_MS } from "@brisk/db";
import {
  createJobs,
  createRunsConsole,
  type Jobs,
  type JobsSettings,
  mediaUrls,
  type RunsConsoleSettings,
} from "@brisk/jobs";
import { createProviders } from "@brisk/providers";
import type { DestinationStream } from "pino";
import postgres from "postgres";
import {
  AFTER_RESPONSE_DEFAULTS,
  type AfterResponseSettings,
  createAfterResponse,
} from "./after-response";
import { type AuthSettings, sessionCookie } from "./auth/identity";
import { createPasswordHasher } from "./auth/passwords";
import { createRateLimiter } from "./auth/rate-limit";
import { CACHE_PREFIX } from "./cache-scopes";
import { createContextFactory, type OpsSources } from "./context";
import { LOCAL_EXECUTOR_URL } from "./env";
import { createJobProgressFeed } from "./job-progress";
import { createLogger } from "./logger";
import type { ProviderAccess, ProvidersConfig } from "./provider-access";
import {
  createReadRouter,
  createRecentWriters,
  loadingFromPrimary,
  type ReplicaSettings,
} from "./read-routing";
import { internalRequest, type RequestInfo } from "./request";
import { createCaller } from "./router";
import { createMetrics, type Metrics } from "./telemetry/metrics";
import { createOpsSeries } from "./telemetry/ops-series";
import type { RecentTraces } from "./telemetry/recent-traces";
import { observeStatements } from "./telemetry/statements";
import { warmCache } from "./warm";

/**
 * About what one hash costs a core here (scrypt at SCRYPT_PARAMS, 185 ms measured): the
 * queue holds what the hashing threads can finish within a call's deadline. Past that a
 * sign-in is told 503 and when to retry, instead of piling up; one still waiting at its
 * deadline is dropped all the same.
 */
const HASH_MS = 200;
/** What `close()` gives work after the response to finish, unless the host says otherwise. */
const CLOSE_DRAIN_MS = 2_000;

export interface RuntimeConfig {
  /** Names the process in its log lines: `api`, `web`. */
  service: string;
  logLevel: string;
  /** Where log lines go: stdout unless given (tests read them here). */
  logDestination?: DestinationStream | undefined;
  database: {
    url: string;
    pool: Partial<PoolOptions>;
    /** Unique per process, so pool gauges count this process's connections only. */
    applicationName: string;
    /** Sees every statement sent: tests count them with it. */
    onQuery?: QueryHook | undefined;
    /** Read replicas of `url` (`replicasFromEnv`); absent: everything reads the primary. */
    replicas?: ReplicaSettings | undefined;
    /**
     * A direct connection to the primary for live job progress' LISTEN, when `url` goes
     * through a pooler in transaction mode (PgBouncer), which cannot carry LISTEN.
     */
    listenUrl?: string | undefined;
  };
  /** How long one procedure call may wait on the database before answering 503. */
  requestTimeoutMs: number;
  /** Development only: error messages and stacks go to the client. */
  exposeErrors: boolean;
  /** Accounts: where the dashboard is served (the cookie's origins), how far limits scale. */
  auth: { dashboardOrigins: readonly string[]; rateLimitMultiplier: number };
  /** Absent: no cache (concurrent loads of one key still share one query). */
  cache?: Omit<CacheSettings, "prefix" | "observer"> | undefined;
  /**
   * Absent where nothing scrapes metrics (the dashboard's server). Present: a Prometheus
   * registry of the process (its pool, event loop, memory); with `perCall`, also a span and
   * metrics for every procedure call, SQL statement and cache lookup (off only to measure
   * what that costs), and the Ops page's sources (`slowTraces` is the tracing SDK's
   * in-memory processor).
   */
  telemetry?: { perCall: boolean; slowTraces?: RecentTraces | undefined } | undefined;
  /** Bounds of the work after the response (AFTER_RESPONSE_DEFAULTS unless given). */
  afterResponse?: Partial<AfterResponseSettings> | undefined;
  /**
   * Background jobs (apps/api): the Inngest client and functions, the serve handler, the
   * outbox relay, the email transport. Absent elsewhere: writes still record their events,
   * and an api instance's relay sends them.
   */
  jobs?: JobsSettings | undefined;
  /**
   * Where the Jobs page reads runs: the local executor (dev) or a link to Inngest's console
   * (cloud). `jobs.inngest` when absent.
   */
  runs?: RunsConsoleSettings | undefined;
  /**
   * MEDIA_PUBLIC_URL, for a process that links to media without storing any (the dashboard's
   * server); with `jobs`, their storage's setting is used. Links are relative when absent.
   */
  mediaPublicUrl?: string | undefined;
  /** The external providers `reports.snapshot` reads (apps/api); absent: none are called. */
  providers?: ProvidersConfig | undefined;
}

// Past the slowest provider's timeout: the call's own query, the report's backstop, the answer.
const PROVIDER_CALL_ROOM_MS = 1_000;

/**
 * Everything a process that serves procedures runs on, built from its config in one place:
 * the database pool, the cache, the logger, metrics and the Ops page's sources. apps/api,
 * the dashboard's server and the tests all build theirs here and nowhere else. Tracing
 * itself is started earlier, by each host, before anything makes a span.
 */
export function createRuntime(config: RuntimeConfig) {
  const log = createLogger(config.logLevel, config.service, config.logDestination);
  const telemetry = config.telemetry;
  const perCall = telemetry?.perCall ?? false;
  const metrics: Metrics | undefined = telemetry
    ? createMetrics({
        poolUsage: () => db.usage(),
        cacheStats: () => cache.stats(),
        hashLoad: () => hasher.load,
        afterResponseLoad: () => afterResponse.load(),
        outboxBacklog: config.jobs ? () => jobs!.relay.backlog() : undefined,
        progressSubscribers: () => progress.subscribers,
        providerBreakers: config.providers ? () => providers!.clients.breakerStates() : undefined,
        replicas: config.database.replicas ? () => db.reads?.replicas() ?? [] : undefined,
      })
    : undefined;
  // One keep-alive pool per provider, kept for the process's life.
  const providers: ProviderAccess | undefined = config.providers
    ? {
        clients: createProviders(config.providers, metrics?.providers),
        cached: config.providers.cache,
        freshMs: config.providers.freshMs,
        budgetMs:
          Math.max(...Object.values(config.providers.providers).map((p) => p.timeoutMs)) +
          PROVIDER_CALL_ROOM_MS,
        observer: metrics?.providers,
      }
    : undefined;
  const afterResponse = createAfterResponse(
    { ...AFTER_RESPONSE_DEFAULTS, ...config.afterResponse },
    metrics?.afterResponse,
  );
  const replicas = config.database.replicas;
  const db = createDb({
    url: config.database.url,
    // A caller's reads return to the replicas once the sticky window has passed, so a replica
    // may lag no more than that window less the time between its checks: then whatever the
    // caller wrote before the window began has been replayed wherever they read next.
    replicas: replicas && {
      urls: replicas.urls,
      maxLagMs: Math.max(0, replicas.stickyMs - REPLICA_CHECK_MS),
    },
    pool: config.database.pool,
    applicationName: config.database.applicationName,
    onQuery: config.database.onQuery,
    onStatement: perCall
      ? observeStatements(metrics, new URL(config.database.url).pathname.slice(1))
      : undefined,
  });
  const reads =
    replicas && db.reads
      ? createReadRouter({
          reads: db.reads,
          writers: createRecentWriters({
            stickyMs: replicas.stickyMs,
            redis: replicas.redis,
            prefix: CACHE_PREFIX,
          }),
          cookieName: sessionCookie(config.auth.dashboardOrigins).name,
        })
      : undefined;
  const cache: Cache = config.cache
    ? buildCache({
        ...config.cache,
        prefix: CACHE_PREFIX,
        observer: perCall ? metrics?.cache : undefined,
      })
    : createCache({});
  // One core is left to the event loop; the others hash.
  const hashThreads = Math.max(1, availableParallelism() - 1);
  const hasher = createPasswordHasher({
    concurrency: hashThreads,
    queue: Math.max(1, Math.floor(config.requestTimeoutMs / HASH_MS)) * hashThreads,
    onWait: metrics?.auth.hashWaited,
  });
  const auth: AuthSettings = {
    hasher,
    // Shared by every instance through the cache's Redis, when there is one.
    limiter: createRateLimiter({
      redis: config.cache?.redis,
      prefix: CACHE_PREFIX,
      multiplier: config.auth.rateLimitMultiplier,
    }),
    cookie: sessionCookie(config.auth.dashboardOrigins),
    dashboardOrigins: config.auth.dashboardOrigins,
    observer: metrics?.auth,
  };
  const ops: OpsSources | undefined =
    metrics && perCall && telemetry?.slowTraces
      ? {
          series: createOpsSeries(metrics.registry, { everyMs: 5_000, points: 120 }),
          traces: telemetry.slowTraces,
        }
      : undefined;
  const jobs: Jobs | undefined = config.jobs
    ? createJobs({
        db: db.db,
        log,
        settings: config.jobs,
        failures: metrics?.jobFailures,
        runs: metrics?.jobRuns,
        stepDuration: metrics?.jobStepDuration,
        queueWait: metrics?.jobQueueWait,
        // Links in emails lead to the first of the dashboard's origins.
        dashboardUrl: config.auth.dashboardOrigins[0]!,
        // Reports read the same clients as reports.snapshot: one pool and breaker per provider.
        providers: providers?.clients,
        aggregationThreads: hashThreads,
      })
    : undefined;
  const runs = createRunsConsole(
    config.runs ?? config.jobs?.inngest ?? { mode: "dev", url: LOCAL_EXECUTOR_URL },
  );
  // Listens only once someone subscribes: a process that serves no subscription holds no
  // LISTEN connection.
  const listenSql = config.database.listenUrl
    ? postgres(config.database.listenUrl, {
        max: 1,
        onnotice: () => {},
        connection: { application_name: `${config.database.applicationName}/listen` },
      })
    : undefined;
  const progress = createJobProgressFeed({ db: db.db, sql: listenSql ?? db.sql, log });
  const createContext = createContextFactory({
    db: db.db,
    cache: reads ? loadingFromPrimary(cache, reads) : cache,
    log,
    requestTimeoutMs: config.requestTimeoutMs,
    exposeErrors: config.exposeErrors,
    auth,
    afterResponse,
    metrics: perCall ? metrics : undefined,
    ops,
    outbox: jobs?.relay,
    runs,
    progress,
    mediaUrl: jobs?.media.storage.url ?? mediaUrls(config.mediaPublicUrl),
    providers,
    reads,
  });

  return {
    db,
    cache,
    log,
    metrics,
    afterResponse,
    jobs,
    progress,
    providers,
    createContext,
    /** JSON of a procedure's answer: the bytes tier 1 keeps for it, or a fresh serialization. */
    serialize: (data: unknown) => cache.serialized(data) ?? JSON.stringify(data),
    /** Calls procedures in process, as `request`. */
    caller: (request: RequestInfo) => createCaller(createContext(request)),
    /**
     * Opens the warm connections, starts following other instances' cache invalidations and
     * loads what the dashboard's first pages read, into this process and into Redis, where the
     * dashboard's server finds it. Throws when the database is unreachable; the host retries.
     */
    async warm() {
      await db.warm();
      if (!config.cache) return;
      await cache.start();
      await warmCache(createCaller(createContext(internalRequest("warm-up"))));
      await cache.flush();
    },
    /** Lets work after the response finish (up to `drainMs`), then closes the rest. */
    async close(drainMs = CLOSE_DRAIN_MS) {
      const drained = await afterResponse.drain(drainMs);
      if (drained.outcome === "timeout") {
        log.warn({ left: drained.left }, "work after the response abandoned at close");
      }
      ops?.series.stop();
      cache.close();
      // The relay's batch in hand is marked before the pool goes.
      await jobs?.close();
      await progress.close();
      await listenSql?.end({ timeout: 5 });
      await providers?.clients.close();
      await Promise.all([db.close(), hasher.close()]);
    },
  };
}

export type Runtime = ReturnType<typeof createRuntime>;
