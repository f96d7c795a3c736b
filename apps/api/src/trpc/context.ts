import type { Database } from "@brisk/db";
import type { Cache } from "../cache/cache";
import type { Logger } from "../logger";
import type { Metrics } from "../telemetry/metrics";
import type { OpsSeries } from "../telemetry/ops-series";
import type { RecentTraces } from "../telemetry/recent-traces";

/** What the Ops page reads: this process's own charts and slow traces. */
export interface OpsSources {
  series: OpsSeries;
  traces: RecentTraces;
}

import { createLoaders, type Loaders } from "./loaders";

/** What every procedure can reach. Built once per request, so nothing leaks across users. */
export interface Context {
  db: Database;
  /** Read-through cache for hot answers; writes invalidate it after they commit. */
  cache: Cache;
  log: Logger;
  requestId: string;
  /** Batched lookups by id, fresh for this request. */
  loaders: Loaders;
  /** How long one procedure call may wait on the database before answering 503. */
  requestTimeoutMs: number;
  /** Development only: error messages and stacks go to the client. */
  exposeErrors: boolean;
  /** Absent where nothing is scraped (the dashboard's in-process calls). */
  metrics?: Metrics | undefined;
  ops?: OpsSources | undefined;
}

export interface ContextDeps {
  db: Database;
  cache: Cache;
  log: Logger;
  requestTimeoutMs: number;
  exposeErrors: boolean;
  metrics?: Metrics | undefined;
  ops?: OpsSources | undefined;
}

export function createContextFactory(deps: ContextDeps) {
  return (requestId: string): Context => ({
    db: deps.db,
    cache: deps.cache,
    requestId,
    loaders: createLoaders(deps.db),
    requestTimeoutMs: deps.requestTimeoutMs,
    exposeErrors: deps.exposeErrors,
    metrics: deps.metrics,
    ops: deps.ops,
    log: deps.log.child({ reqId: requestId }),
  });
}
