import { performance } from "node:perf_hooks";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface PoolUsage {
  max: number;
  busy: number;
  idle: number;
  inFlight: number;
  waiting: number;
}

/** From 1 ms to 10 s: the range between a cached read and the alerting threshold's tenfold. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every Prometheus metric of apps/api, in one registry. Later parts (cache, external calls,
 * jobs) add theirs here. Names follow Prometheus conventions: base units, `_total` counters.
 */
export function createMetrics(options: { poolUsage: () => Promise<PoolUsage> }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "brisk_", eventLoopMonitoringPrecision: 10 });

  const rpcRequests = new Counter({
    name: "brisk_rpc_requests_total",
    help: "tRPC procedure calls, by procedure, type and the HTTP status they answered with.",
    labelNames: ["procedure", "type", "status"] as const,
    registers: [registry],
  });
  const rpcDuration = new Histogram({
    name: "brisk_rpc_request_duration_seconds",
    help: "Time from the start of a procedure call to its result.",
    labelNames: ["procedure", "type"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const rpcInFlight = new Gauge({
    name: "brisk_rpc_in_flight",
    help: "Procedure calls running now.",
    labelNames: ["procedure"] as const,
    registers: [registry],
  });
  const dbStatementDuration = new Histogram({
    name: "brisk_db_statement_duration_seconds",
    help: "Time from sending a SQL statement (or queueing it for a connection) to its answer.",
    labelNames: ["result"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });

  // Pool gauges are read when Prometheus scrapes, with one query on a connection of their own.
  let lastUsage: PoolUsage | undefined;
  const refreshUsage = async () => {
    lastUsage = await options.poolUsage().catch(() => lastUsage);
  };
  new Gauge({
    name: "brisk_db_pool_max",
    help: "Connections the pool may open.",
    registers: [registry],
    async collect() {
      await refreshUsage();
      if (lastUsage) this.set(lastUsage.max);
    },
  });
  new Gauge({
    name: "brisk_db_pool_connections",
    help: "Open pool connections, busy or idle (as Postgres sees them).",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      if (!lastUsage) return;
      this.set({ state: "busy" }, lastUsage.busy);
      this.set({ state: "idle" }, lastUsage.idle);
    },
  });
  new Gauge({
    name: "brisk_db_pool_waiting",
    help: "Statements waiting for a pool connection.",
    registers: [registry],
    collect() {
      if (lastUsage) this.set(lastUsage.waiting);
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

  return {
    registry,
    /** Starts timing one procedure call; the returned function records its outcome. */
    procedureStarted(procedure: string, type: string) {
      const stopTimer = rpcDuration.startTimer({ procedure, type });
      rpcInFlight.inc({ procedure });
      return (status: number) => {
        stopTimer();
        rpcInFlight.dec({ procedure });
        rpcRequests.inc({ procedure, type, status: String(status) });
      };
    },
    statementFinished(seconds: number, ok: boolean) {
      dbStatementDuration.observe({ result: ok ? "ok" : "error" }, seconds);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
