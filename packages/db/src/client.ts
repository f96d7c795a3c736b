import { AsyncLocalStorage } from "node:async_hooks";
import { withReplicas } from "drizzle-orm/pg-core";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { z } from "zod";
import * as schema from "./schema";

/**
 * The pool's settings (warmed at boot, bounded, a connect timeout, connections recycled).
 * Apps merge this into their own env module, so every process reads the same variables
 * with the same defaults.
 */
export const dbPoolEnv = z.object({
  DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(50),
  DB_POOL_WARM: z.coerce.number().int().min(0).max(500).default(10),
  DB_CONNECT_TIMEOUT_S: z.coerce.number().int().min(1).max(30).default(10),
  DB_IDLE_TIMEOUT_S: z.coerce.number().int().min(0).max(86_400).default(600),
  DB_MAX_LIFETIME_S: z.coerce.number().int().min(60).max(86_400).default(3_600),
  // Server-side prepared statements; turn off behind PgBouncer in transaction mode.
  DB_PREPARE: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
});
export type DbPoolEnv = z.infer<typeof dbPoolEnv>;

export interface PoolOptions {
  prepare: boolean;
  max: number;
  warm: number;
  connectTimeoutS: number;
  idleTimeoutS: number;
  maxLifetimeS: number;
}

export function poolOptionsFromEnv(env: DbPoolEnv): PoolOptions {
  return {
    prepare: env.DB_PREPARE,
    max: env.DB_POOL_MAX,
    warm: Math.min(env.DB_POOL_WARM, env.DB_POOL_MAX),
    connectTimeoutS: env.DB_CONNECT_TIMEOUT_S,
    idleTimeoutS: env.DB_IDLE_TIMEOUT_S,
    maxLifetimeS: env.DB_MAX_LIFETIME_S,
  };
}

/** Which pool a statement went to. */
export type DbTarget = "primary" | "replica";

/** Called once per SQL statement sent; tests count statements with it. */
export type QueryHook = (statement: string, params: readonly unknown[], target: DbTarget) => void;

/** Called when a statement Drizzle ran has answered: metrics and traces time it with it. */
export type StatementHook = (
  statement: string,
  seconds: number,
  ok: boolean,
  rows: number | undefined,
  target: DbTarget,
) => void;

/** Streaming standbys of the primary that may serve reads. */
export interface ReplicaOptions {
  urls: readonly string[];
  /** A replica further behind than this, or not answering, serves nothing until it catches up. */
  maxLagMs: number;
}

/** What a replica looked like at its last check. */
export interface ReplicaState {
  /** host:port, never the credentials. */
  host: string;
  healthy: boolean;
  /** Unknown until a check has answered (or when the replica is not streaming). */
  lagMs: number | undefined;
}

export interface CreateDbOptions {
  url: string;
  /** Each replica gets a pool of its own, with the same options as the primary's. */
  replicas?: ReplicaOptions | undefined;
  pool?: Partial<PoolOptions>;
  onQuery?: QueryHook;
  onStatement?: StatementHook;
  applicationName?: string;
}

const defaults: PoolOptions = {
  prepare: true,
  max: 50,
  warm: 10,
  connectTimeoutS: 10,
  idleTimeoutS: 600,
  maxLifetimeS: 3_600,
};

/** How often each read replica's lag is checked. */
export const REPLICA_CHECK_MS = 1_000;

export function createDb({
  url,
  replicas,
  pool,
  onQuery,
  onStatement,
  applicationName = "brisk",
}: CreateDbOptions) {
  const options = { ...defaults, ...pool };
  const usage = { inFlight: 0 };
  // Its own connection, so measuring an exhausted pool never waits behind it.
  let monitor: postgres.Sql | undefined;
  const open = (target: DbTarget, poolUrl: string, counter: { inFlight: number }) => {
    const sql = postgres(poolUrl, {
      max: options.max,
      connect_timeout: options.connectTimeoutS,
      idle_timeout: options.idleTimeoutS || undefined,
      max_lifetime: options.maxLifetimeS,
      connection: { application_name: applicationName },
      onnotice: () => {},
      debug: onQuery ? (_conn, statement, params) => onQuery(statement, params, target) : false,
    });
    const db: Database = drizzle(
      instrumented(sql, {
        prepare: options.prepare,
        onStatement:
          onStatement &&
          ((statement, seconds, ok, rows) => onStatement(statement, seconds, ok, rows, target)),
        usage: counter,
      }),
      { schema, casing: "snake_case" },
    );
    return { sql, db };
  };
  const primary = open("primary", url, usage);
  const sql = primary.sql;
  const standbys = (replicas?.urls ?? []).map((replicaUrl) =>
    open("replica", replicaUrl, { inFlight: 0 }),
  );
  const health = replicas?.urls.length
    ? watchReplicas(replicas, options.connectTimeoutS, applicationName)
    : undefined;
  // Who may read from a replica is decided per procedure call (see @brisk/trpc's init.ts);
  // everything else (jobs, the outbox relay, writes) reads the primary.
  const routing = new AsyncLocalStorage<DbTarget>();
  const readFrom = (): Database => {
    if (routing.getStore() !== "replica" || !health) return primary.db;
    const healthy = health.healthy();
    if (healthy.length === 0) return primary.db;
    return standbys[healthy[Math.floor(Math.random() * healthy.length)]!]!.db;
  };
  // Drizzle's withReplicas sends select, `query` (relational) and `with` to `readFrom()`, and
  // insert, update, delete, execute and transaction to the primary whatever the call.
  const db: Database = standbys.length
    ? withReplicas(primary.db, standbys.map((s) => s.db) as [Database, ...Database[]], readFrom)
    : primary.db;

  return {
    db,
    sql,
    options,
    /**
     * Absent without replicas. `onReplica(work)` lets the reads `work` makes through `db` go to
     * a healthy replica (the primary when none is); `onPrimary(work)` keeps them on the primary.
     */
    reads: health && {
      onReplica: <T>(work: () => T) => routing.run("replica", work),
      onPrimary: <T>(work: () => T) => routing.run("primary", work),
      replicas: () => health.states(),
    },
    /**
     * postgres.js opens connections lazily and has no minimum size, so warming means holding
     * `warm` connections at once: each concurrent query forces a connection of its own. A
     * replica serves reads only once a check has found it streaming and caught up.
     */
    async warm() {
      const n = Math.min(options.warm, options.max);
      const hold = (pooled: postgres.Sql) =>
        Promise.all(Array.from({ length: n }, () => pooled`select 1`));
      await Promise.all([
        hold(sql),
        // A replica that is down is left to its checks: reads go to the primary meanwhile.
        ...standbys.map((standby) => hold(standby.sql).catch(() => {})),
      ]);
      await health?.start();
    },
    /**
     * What the primary's pool is doing now. postgres.js keeps its connections private, so open
     * ones are counted by Postgres (this process's application_name) and statements by our own
     * wrapper.
     */
    async usage() {
      monitor ??= postgres(url, {
        max: 1,
        connect_timeout: options.connectTimeoutS,
        idle_timeout: 60,
        connection: { application_name: `${applicationName}/monitor` },
        onnotice: () => {},
      });
      const [row] = await monitor<{ busy: number; idle: number }[]>`
        select count(*) filter (where state <> 'idle')::int as busy,
               count(*) filter (where state = 'idle')::int as idle
        from pg_stat_activity
        where application_name = ${applicationName}`;
      const busy = row?.busy ?? 0;
      const open = busy + (row?.idle ?? 0);
      return {
        max: options.max,
        busy,
        idle: row?.idle ?? 0,
        inFlight: usage.inFlight,
        waiting: Math.max(0, usage.inFlight - open),
      };
    },
    async close(timeoutS = 5) {
      await Promise.all([
        ...[primary, ...standbys].map((p) => p.sql.end({ timeout: timeoutS })),
        monitor?.end({ timeout: timeoutS }),
        health?.close(timeoutS),
      ]);
    },
  };
}

// How far behind the replica is: nothing while it has replayed all it received (an idle
// primary sends nothing, and the last replayed commit then only looks old), else the age of
// the last commit it replayed. Null when it is not streaming (or is no standby at all).
const LAG_MS = `
  select case
    when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
    else (extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000)::int
  end as lag_ms`;

/**
 * Checks every replica once a second on a connection of its own: one that does not answer
 * (down, or its previous check still unanswered) or lags past `maxLagMs` is skipped until a
 * check finds it caught up. Between a failure and the next check, a call that meets a
 * replica's connection error is answered by the primary (the read router retries it there).
 */
function watchReplicas(replicas: ReplicaOptions, connectTimeoutS: number, applicationName: string) {
  const states: ReplicaState[] = replicas.urls.map((u) => ({
    host: new URL(u).host,
    healthy: false,
    lagMs: undefined,
  }));
  const monitors = replicas.urls.map((u) =>
    postgres(u, {
      max: 1,
      connect_timeout: Math.min(connectTimeoutS, 2),
      idle_timeout: 60,
      connection: {
        application_name: `${applicationName}/replica-check`,
        statement_timeout: REPLICA_CHECK_MS,
      },
      onnotice: () => {},
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  const unanswered = new Set<number>();

  async function checkOne(i: number) {
    const state = states[i]!;
    // A server that stops answering on an open connection (a network partition) fires no
    // statement_timeout: a check still out a second later counts as a failure.
    if (unanswered.has(i)) {
      state.healthy = false;
      return;
    }
    unanswered.add(i);
    try {
      const [row] = await monitors[i]!.unsafe<{ lag_ms: number | null }[]>(LAG_MS);
      state.lagMs = row?.lag_ms ?? undefined;
    } catch {
      state.lagMs = undefined;
    } finally {
      unanswered.delete(i);
    }
    state.healthy = state.lagMs !== undefined && state.lagMs <= replicas.maxLagMs;
  }
  const checkAll = () => Promise.all(states.map((_, i) => checkOne(i)));

  return {
    healthy: () => states.flatMap((state, i) => (state.healthy ? [i] : [])),
    states: () => states.map((state) => ({ ...state })),
    /** A first check, then one a second. */
    async start() {
      if (timer) return;
      timer = setInterval(checkAll, REPLICA_CHECK_MS);
      timer.unref();
      await checkAll();
    },
    async close(timeoutS: number) {
      clearInterval(timer);
      await Promise.all(monitors.map((m) => m.end({ timeout: timeoutS })));
    },
  };
}

/**
 * Drizzle sends every query through `unsafe()`. Two things happen there:
 * - postgres.js runs `unsafe()` queries as unnamed statements, parsed and planned on every
 *   call; asking for `prepare` makes it keep one named statement per query text and
 *   connection, so a hot query is planned once;
 * - each statement is counted while in flight and timed from the moment it is awaited.
 */
function instrumented(
  sql: postgres.Sql,
  options: {
    prepare: boolean;
    onStatement?:
      | ((statement: string, seconds: number, ok: boolean, rows: number | undefined) => void)
      | undefined;
    usage: { inFlight: number };
  },
): postgres.Sql {
  const { prepare, onStatement, usage } = options;
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property !== "unsafe") return Reflect.get(target, property, receiver);
      return (query: string, params?: unknown[], queryOptions?: object) => {
        const pending = target.unsafe(query, params as postgres.ParameterOrJSON<never>[], {
          ...queryOptions,
          ...(prepare ? { prepare: true } : {}),
        });
        type Then = (
          resolve?: ((value: unknown) => unknown) | null,
          reject?: ((error: unknown) => unknown) | null,
        ) => Promise<unknown>;
        const then = pending.then.bind(pending) as Then;
        // postgres.js queries are lazy: they run when first awaited, so that is when we start.
        const timedThen: Then = (resolve, reject) => {
          const started = performance.now();
          usage.inFlight++;
          let settled = false;
          const finish = (ok: boolean, rows?: number) => {
            if (settled) return;
            settled = true;
            usage.inFlight--;
            onStatement?.(query, (performance.now() - started) / 1000, ok, rows);
          };
          return then(
            (value: unknown) => {
              finish(true, Array.isArray(value) ? value.length : undefined);
              return resolve ? resolve(value) : value;
            },
            (error: unknown) => {
              finish(false);
              if (reject) return reject(error);
              throw error;
            },
          );
        };
        // biome-ignore lint/suspicious/noThenProperty: timing starts where postgres.js starts a query, at its first then()
        pending.then = timedThen as typeof pending.then;
        return pending;
      };
    },
  });
}

export type Database = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };
export type DbHandle = ReturnType<typeof createDb>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Either the pool or an open transaction: write queries accept both. */
export type Executor = Database | Transaction;
