import { performance } from "node:perf_hooks";
import type { CacheObserver, CacheStats, RefreshOutcome } from "@brisk/cache";
import type { DbTarget, ReplicaState } from "@brisk/db";
import type { ProviderObserver } from "@brisk/providers";
import { withTimeout } from "@brisk/resilience";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { AfterResponseObserver } from "../after-response";
import { type AuthObserver, SIGN_IN_OUTCOMES } from "../auth/identity";
import { boundCounter, boundGauge, boundHistogram } from "./bound-metrics";

/**
 * How long a scrape waits for a gauge read from Postgres. The outbox backlog is read on the
 * app's own pool: when slow queries hold every connection, that read would wait with them and
 * the scrape would hang just when the metrics matter. Past this, the gauge keeps its last value.
 */
const SCRAPE_READ_MS = 1_000;

export interface PoolUsage {
  max: number;
  busy: number;
  idle: number;
  inFlight: number;
  waiting: number;
}

/** From 1 ms to 10 s: the range between a cached read and the alerting threshold's tenfold. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A Redis round trip: sub-millisecond on a LAN, the command timeout (≈75 ms) at worst. */
const REDIS_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25];
const BREAKER_STATES = ["closed", "half-open", "open"] as const;

/**
 * Every Prometheus metric of the process, in one registry. Later parts (cache, external calls,
 * jobs) add theirs here. Names follow Prometheus conventions: base units, `_total` counters.
 */
export function createMetrics(options: {
  poolUsage: () => Promise<PoolUsage>;
  cacheStats?: () => CacheStats;
  /** Password hashes running or waiting now. */
  hashLoad?: () => number;
  /** Work after the response running and waiting now. */
  afterResponseLoad?: () => { running: number; waiting: number };
  /** Events recorded and not yet sent to Inngest (one query per scrape). */
  outboxBacklog?: () => Promise<{ unsent: number; oldestAgeS: number }>;
  /** Live progress streams (`jobs.progress`) open in this process. */
  progressSubscribers?: () => number;
  /** Each external provider's breaker now. */
  providerBreakers?: () => Record<string, (typeof BREAKER_STATES)[number]>;
  /** Each read replica at its last check (absent without replicas). */
  replicas?: (() => ReplicaState[]) | undefined;
  /** Milliseconds, for timing calls (tests pass a clock they move). */
  now?: () => number;
}) {
  const now = options.now ?? (() => performance.now());
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "brisk_", eventLoopMonitoringPrecision: 10 });

  // Recorded on every call: label sets resolved once (bound-metrics.ts).
  const rpcRequests = boundCounter(registry, {
    name: "brisk_rpc_requests_total",
    help: "tRPC procedure calls, by procedure, type and the HTTP status they answered with.",
    labelNames: ["procedure", "type", "status"],
  });
  const rpcDuration = boundHistogram(registry, {
    name: "brisk_rpc_request_duration_seconds",
    help: "Time from the start of a procedure call to its result.",
    labelNames: ["procedure", "type"],
    buckets: LATENCY_BUCKETS,
  });
  const rpcInFlight = boundGauge(registry, {
    name: "brisk_rpc_in_flight",
    help: "Procedure calls running now.",
    labelNames: ["procedure"],
  });
  const dbStatementDuration = boundHistogram(registry, {
    name: "brisk_db_statement_duration_seconds",
    help: "Time from sending a SQL statement (or queueing it for a connection) to its answer.",
    labelNames: ["result", "target"],
    buckets: LATENCY_BUCKETS,
  });
  // `target`: which pool answered, the primary or a read replica.
  const statements = {
    primary: {
      ok: dbStatementDuration.series({ result: "ok", target: "primary" }),
      error: dbStatementDuration.series({ result: "error", target: "primary" }),
    },
    replica: {
      ok: dbStatementDuration.series({ result: "ok", target: "replica" }),
      error: dbStatementDuration.series({ result: "error", target: "replica" }),
    },
  };

  // Pool gauges are read when Prometheus scrapes, with one query on a connection of their own.
  // A scrape collects every metric at once: the three gauges share one query, so they
  // describe the same moment (and the first scrape has them too).
  let lastUsage: PoolUsage | undefined;
  let reading: Promise<PoolUsage | undefined> | undefined;
  const usage = () => {
    reading ??= withTimeout(SCRAPE_READ_MS, options.poolUsage)
      .then((fresh) => (lastUsage = fresh))
      .catch(() => lastUsage)
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
  new Gauge({
    name: "brisk_db_pool_max",
    help: "Connections the pool may open.",
    registers: [registry],
    async collect() {
      const now = await usage();
      if (now) this.set(now.max);
    },
  });
  new Gauge({
    name: "brisk_db_pool_connections",
    help: "Open pool connections, busy or idle (as Postgres sees them).",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      const now = await usage();
      if (!now) return;
      this.set({ state: "busy" }, now.busy);
      this.set({ state: "idle" }, now.idle);
    },
  });
  new Gauge({
    name: "brisk_db_pool_waiting",
    help: "Statements waiting for a pool connection.",
    registers: [registry],
    async collect() {
      const now = await usage();
      if (now) this.set(now.waiting);
    },
  });

  let elu = performance.eventLoopUtilization();
  new Gauge({
    name: "brisk_nodejs_eventloop_utilization_ratio",
    help: "Share of time the event loop was busy since the previous scrape.",
    registers: [registry],
    collect() {
      const now = performance.eventLoopUtilization();
      this.set(performance.eventLoopUtilization(now, elu).utilization);
      elu = now;
    },
  });

  const cacheLookups = boundCounter(registry, {
    name: "brisk_cache_lookups_total",
    help: "Cache lookups by tier (memory, redis), TTL class and result (hit, miss).",
    labelNames: ["tier", "class", "result"],
  });
  const cacheLoadDuration = new Histogram({
    name: "brisk_cache_load_duration_seconds",
    help: "Time the loader behind a cache miss took (the database work a hit saves).",
    labelNames: ["class"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const cacheCorrupt = new Counter({
    name: "brisk_cache_corrupt_entries_total",
    help: "Entries read back from Redis that failed their schema and were treated as misses.",
    labelNames: ["class"] as const,
    registers: [registry],
  });
  const redisDuration = new Histogram({
    name: "brisk_cache_redis_command_duration_seconds",
    help: "Redis round trips by command and outcome (ok, error, timeout).",
    labelNames: ["command", "outcome"] as const,
    buckets: REDIS_BUCKETS,
    registers: [registry],
  });
  const redisRefused = new Counter({
    name: "brisk_cache_redis_refused_total",
    help: "Redis commands not sent because the circuit breaker was open.",
    labelNames: ["command"] as const,
    registers: [registry],
  });
  const redisShed = new Counter({
    name: "brisk_cache_redis_shed_total",
    help: "Redis commands not sent because Redis was busy: lookups past the in-flight limit, stores the full queue dropped.",
    labelNames: ["command"] as const,
    registers: [registry],
  });
  const cacheStats = () => options.cacheStats?.();
  new Gauge({
    name: "brisk_cache_breaker_state",
    help: "The Redis circuit breaker: 1 for the state it is in (closed, half-open, open).",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const breaker = cacheStats()?.breaker;
      if (!breaker) return;
      for (const state of BREAKER_STATES) this.set({ state }, state === breaker ? 1 : 0);
    },
  });
  new Gauge({
    name: "brisk_cache_pending_invalidations",
    help: "Scopes whose invalidation could not reach Redis yet and is being retried.",
    registers: [registry],
    collect() {
      this.set(cacheStats()?.pendingInvalidations ?? 0);
    },
  });
  new Gauge({
    name: "brisk_cache_memory_entries",
    help: "Entries in the in-process tier.",
    registers: [registry],
    collect() {
      this.set(cacheStats()?.memory?.entries ?? 0);
    },
  });
  new Gauge({
    name: "brisk_cache_memory_bytes",
    help: "Bytes (of JSON) held by the in-process tier.",
    registers: [registry],
    collect() {
      this.set(cacheStats()?.memory?.bytes ?? 0);
    },
  });

  // Label sets resolved once (prom-client hashes the labels on every call otherwise): the
  // cache's are few and fixed, a procedure's are made on its first call.
  const lookups = new Map<string, { inc(): void }>();
  const lookupCounter = (tier: string, ttl: string, hit: boolean) => {
    const key = `${tier}:${ttl}:${hit}`;
    let child = lookups.get(key);
    if (!child) {
      child = cacheLookups.series({ tier, class: ttl, result: hit ? "hit" : "miss" });
      lookups.set(key, child);
    }
    return child;
  };
  const cache: CacheObserver = {
    lookup(tier, ttl, hit) {
      lookupCounter(tier, ttl, hit).inc();
    },
    loaded(ttl, seconds) {
      cacheLoadDuration.observe({ class: ttl }, seconds);
    },
    corrupt(ttl) {
      cacheCorrupt.inc({ class: ttl });
    },
    redisCommand(command, seconds, outcome) {
      if (outcome === "refused") redisRefused.inc({ command });
      else if (outcome === "shed") redisShed.inc({ command });
      else redisDuration.observe({ command, outcome }, seconds);
    },
  };

  const signIns = new Counter({
    name: "brisk_auth_sign_ins_total",
    help: "Sign-in attempts by outcome: ok, failed (wrong email or password), limited (rate limit), busy (hash queue full).",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  // From zero, so the failed-sign-in alert's rate() sees the first burst whole.
  for (const outcome of SIGN_IN_OUTCOMES) signIns.inc({ outcome }, 0);
  const limited = new Counter({
    name: "brisk_auth_rate_limited_total",
    help: "Requests refused with 429 by a rate limit, by rule.",
    labelNames: ["rule"] as const,
    registers: [registry],
  });
  const hashWait = new Histogram({
    name: "brisk_auth_hash_wait_seconds",
    help: "Time a password hash waited for a hashing slot (sign-in, sign-up, password change).",
    buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: "brisk_auth_hash_queue_depth",
    help: "Password hashes running or waiting for a slot now.",
    registers: [registry],
    collect() {
      this.set(options.hashLoad?.() ?? 0);
    },
  });
  const auth: AuthObserver & { hashWaited(seconds: number): void } = {
    signIn: (outcome) => signIns.inc({ outcome }),
    limited: (rule) => limited.inc({ rule }),
    hashWaited: (seconds) => hashWait.observe(seconds),
  };

  const afterResponseWork = new Counter({
    name: "brisk_after_response_work_total",
    help: "Work after the response by name and outcome: ran, failed, dropped (queue full).",
    labelNames: ["name", "outcome"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "brisk_after_response_queue_depth",
    help: "Work after the response now, by state: running, waiting for a slot.",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const load = options.afterResponseLoad?.() ?? { running: 0, waiting: 0 };
      this.set({ state: "running" }, load.running);
      this.set({ state: "waiting" }, load.waiting);
    },
  });
  new Gauge({
    name: "brisk_job_progress_subscribers",
    help: "Live job progress streams (jobs.progress over SSE) open in this process.",
    registers: [registry],
    collect() {
      this.set(options.progressSubscribers?.() ?? 0);
    },
  });
  const afterResponse: AfterResponseObserver = {
    finished: (name, outcome) => afterResponseWork.inc({ name, outcome }),
  };

  // Both gauges read one query per scrape, so they describe the same moment.
  const outboxBacklog = options.outboxBacklog;
  if (outboxBacklog) {
    let backlog: Promise<{ unsent: number; oldestAgeS: number } | undefined> | undefined;
    const readBacklog = () => {
      backlog ??= withTimeout(SCRAPE_READ_MS, outboxBacklog)
        .catch(() => undefined)
        .finally(() => {
          backlog = undefined;
        });
      return backlog;
    };
    new Gauge({
      name: "brisk_outbox_backlog",
      help: "Events recorded by writes and not yet accepted by Inngest's event API.",
      registers: [registry],
      async collect() {
        const now = await readBacklog();
        if (now) this.set(now.unsent);
      },
    });
    new Gauge({
      name: "brisk_outbox_oldest_unsent_age_seconds",
      help: "How long the oldest unsent event has waited since its write committed (0: none).",
      registers: [registry],
      async collect() {
        const now = await readBacklog();
        if (now) this.set(now.oldestAgeS);
      },
    });
  }

  const jobFailures = new Counter({
    name: "brisk_job_failures_total",
    help: "Job runs that failed on their last attempt, by function (their onFailure handler ran).",
    labelNames: ["function"] as const,
    registers: [registry],
  });
  const jobRuns = new Counter({
    name: "brisk_job_runs_total",
    help: "Job runs that finished, by function and outcome: ok (the handler returned), failed (its last attempt failed).",
    labelNames: ["function", "outcome"] as const,
    registers: [registry],
  });
  const jobQueueWait = new Histogram({
    name: "brisk_job_queue_wait_seconds",
    help: "Time from a job's event to its first step starting, by function and priority (the definition's priority.run).",
    labelNames: ["function", "priority"] as const,
    // From an idle queue (milliseconds) to a backlog an alert should have caught (minutes).
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const jobStepDuration = new Histogram({
    name: "brisk_job_step_duration_seconds",
    help: "Time a job's step took when it ran (memoized replays are not counted), by function.",
    labelNames: ["function"] as const,
    // From a quick write to image work and slow SMTP; a step past a minute is a problem.
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });

  const providerCalls = new Counter({
    name: "brisk_provider_calls_total",
    help: "Calls to external providers by provider and outcome: ok, failed, timed-out, refused (breaker open or bulkhead full: no request sent).",
    labelNames: ["provider", "outcome"] as const,
    registers: [registry],
  });
  const providerDuration = new Histogram({
    name: "brisk_provider_call_duration_seconds",
    help: "Time one provider call took, its retries and backoff included, by provider.",
    labelNames: ["provider"] as const,
    // From a fast provider (50 ms) to the default timeout (10 s).
    buckets: [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  const providerRetries = new Counter({
    name: "brisk_provider_retries_total",
    help: "Attempts made again after a failure worth retrying (connection error, 5xx, 429), by provider.",
    labelNames: ["provider"] as const,
    registers: [registry],
  });
  const providerAnswers = new Counter({
    name: "brisk_provider_answers_total",
    help: "Provider answers a report used, by where they came from: hit (cached, fresh), loaded (called), stale (the call failed; an older cached answer served), failed (nothing to serve).",
    labelNames: ["provider", "source"] as const,
    registers: [registry],
  });
  const providerStaleAge = new Histogram({
    name: "brisk_provider_stale_age_seconds",
    help: "Age of the stale answers served (the provider failed; an older cached answer was shown), by provider.",
    labelNames: ["provider"] as const,
    // From a short freshness setting (a minute) to the day a stale copy may live; the hour
    // is the alert's threshold (a stale answer is past PROVIDERS_FRESH_MS, an hour by default).
    buckets: [60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 43_200, 86_400],
    registers: [registry],
  });
  const replicas = options.replicas;
  if (replicas) {
    new Gauge({
      name: "brisk_db_replica_up",
      help: "1 while a read replica serves reads: it answers its checks and lags within the bound.",
      labelNames: ["replica"] as const,
      registers: [registry],
      collect() {
        for (const state of replicas()) this.set({ replica: state.host }, state.healthy ? 1 : 0);
      },
    });
    new Gauge({
      name: "brisk_db_replica_lag_seconds",
      help: "How far each read replica was behind the primary at its last check.",
      labelNames: ["replica"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const state of replicas()) {
          if (state.lagMs !== undefined) this.set({ replica: state.host }, state.lagMs / 1000);
        }
      },
    });
  }

  const providerBreakers = options.providerBreakers;
  if (providerBreakers) {
    new Gauge({
      name: "brisk_provider_breaker_state",
      help: "Each provider's circuit breaker: 1 on its current state (closed, half-open, open).",
      labelNames: ["provider", "state"] as const,
      registers: [registry],
      collect() {
        for (const [provider, current] of Object.entries(providerBreakers())) {
          for (const state of BREAKER_STATES)
            this.set({ provider, state }, state === current ? 1 : 0);
        }
      },
    });
  }
  const providers: ProviderObserver & {
    answered(provider: string, source: RefreshOutcome | "failed", ageMs?: number | null): void;
  } = {
    called(provider, outcome, seconds) {
      providerCalls.inc({ provider, outcome });
      if (outcome !== "refused") providerDuration.observe({ provider }, seconds);
    },
    retried: (provider) => providerRetries.inc({ provider }),
    answered(provider, source, ageMs) {
      providerAnswers.inc({ provider, source });
      if (source === "stale") providerStaleAge.observe({ provider }, (ageMs ?? 0) / 1000);
    },
  };

  interface ProcedureSeries {
    duration: { observe(seconds: number): void };
    inFlight: { inc(): void; dec(): void };
    byStatus: Map<number, { inc(): void }>;
  }
  const procedures = new Map<string, ProcedureSeries>();
  const seriesOf = (procedure: string, type: string) => {
    const key = `${type}:${procedure}`;
    let series = procedures.get(key);
    if (!series) {
      series = {
        duration: rpcDuration.series({ procedure, type }),
        inFlight: rpcInFlight.series({ procedure }),
        byStatus: new Map(),
      };
      procedures.set(key, series);
    }
    return series;
  };

  return {
    registry,
    cache,
    auth,
    afterResponse,
    jobFailures,
    jobRuns,
    jobStepDuration,
    jobQueueWait,
    providers,
    /** Starts timing one procedure call; the returned function records its outcome. */
    procedureStarted(procedure: string, type: string) {
      const series = seriesOf(procedure, type);
      const started = now();
      series.inFlight.inc();
      return (status: number) => {
        series.duration.observe((now() - started) / 1000);
        series.inFlight.dec();
        let counter = series.byStatus.get(status);
        if (!counter) {
          counter = rpcRequests.series({ procedure, type, status: String(status) });
          series.byStatus.set(status, counter);
        }
        counter.inc();
      };
    },
    statementFinished(seconds: number, ok: boolean, target: DbTarget) {
      statements[target][ok ? "ok" : "error"].observe(seconds);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
