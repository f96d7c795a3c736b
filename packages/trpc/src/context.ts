import type { Cache } from "@brisk/cache";
import type { Database } from "@brisk/db";
import type { RunsConsole } from "@brisk/jobs";
import { trace } from "@opentelemetry/api";
import type { AfterResponse, AfterResponseWork } from "./after-response";
import { type AuthSettings, type Caller, resolveCaller } from "./auth/identity";
import type { JobProgressFeed } from "./job-progress";
import { createLoaders, type Loaders } from "./loaders";
import { type Logger, type RequestLog, requestLog } from "./logger";
import type { ProviderAccess } from "./provider-access";
import type { ReadRouter } from "./read-routing";
import type { RequestInfo } from "./request";
import type { Metrics } from "./telemetry/metrics";
import type { OpsSeries } from "./telemetry/ops-series";
import type { RecentTraces } from "./telemetry/recent-traces";

/** What the Ops page reads: this process's own charts and slow traces. */
export interface OpsSources {
  series: OpsSeries;
  traces: RecentTraces;
}

/** What every procedure can reach. Built once per request, so nothing leaks across users. */
export interface Context {
  db: Database;
  /** Read-through cache for hot answers; writes invalidate it after they commit. */
  cache: Cache;
  /** The process's logger, bound to this request's id. */
  log: RequestLog;
  /** Headers and cookies of the request, and what the procedure adds to the response. */
  request: RequestInfo;
  /** Who is calling: resolved on first use (a public read that does not ask pays nothing). */
  caller: () => Promise<Caller>;
  /** Password hashing, rate limits, the session cookie, the dashboard's origins. */
  auth: AuthSettings;
  /**
   * Light follow-up work, started once the response is written: bounded, traced, its errors
   * logged with this request's id, lost on a crash (what must not be lost is an event).
   */
  afterResponse: (name: string, work: AfterResponseWork) => void;
  /** Batched lookups by id, fresh for this request. */
  loaders: Loaders;
  /** How long one procedure call may wait on the database before answering 503. */
  requestTimeoutMs: number;
  /** Development only: error messages and stacks go to the client. */
  exposeErrors: boolean;
  /** Absent where nothing is scraped (the dashboard's process). */
  metrics?: Metrics | undefined;
  ops?: OpsSources | undefined;
  /**
   * Wakes this process's outbox relay after a commit that recorded an event (`recordEvent`),
   * so it is sent now rather than at the next poll. Absent where no relay runs.
   */
  outbox?: { wake(): void } | undefined;
  /** The runs of background jobs, for the Jobs page (the executor's API, or Inngest's console). */
  runs: RunsConsole;
  /** Live progress of job runs, from every instance (`jobs.progress`). */
  progress: JobProgressFeed;
  /** Where a browser fetches a stored media object (storage's `url(key)`). */
  mediaUrl: (key: string) => string;
  /** The external providers' clients; absent in a process that calls none (the dashboard's). */
  providers?: ProviderAccess | undefined;
  /** Where a call reads, with read replicas (`routeReads` in init.ts); absent without. */
  reads?: ReadRouter | undefined;
}

/** The process-wide parts of every context; only the runtime builds one. */
type ContextDeps = Omit<Context, "request" | "loaders" | "log" | "caller" | "afterResponse"> & {
  log: Logger;
  afterResponse: AfterResponse;
};

export function createContextFactory(deps: ContextDeps) {
  return (request: RequestInfo): Context => {
    let caller: Promise<Caller> | undefined;
    const log = requestLog(deps.log, request.id);
    const context: Context = {
      db: deps.db,
      cache: deps.cache,
      log,
      request,
      caller: () => {
        caller ??= resolveCaller(context, deps.auth);
        return caller;
      },
      auth: deps.auth,
      afterResponse: (name, work) => {
        const link = trace.getActiveSpan();
        const linked = link?.isRecording() ? link.spanContext() : undefined;
        request.afterResponse(() => deps.afterResponse.run(name, work, log, linked));
      },
      loaders: createLoaders(deps.db),
      requestTimeoutMs: deps.requestTimeoutMs,
      exposeErrors: deps.exposeErrors,
      metrics: deps.metrics,
      ops: deps.ops,
      outbox: deps.outbox,
      runs: deps.runs,
      progress: deps.progress,
      mediaUrl: deps.mediaUrl,
      providers: deps.providers,
      reads: deps.reads,
    };
    return context;
  };
}
