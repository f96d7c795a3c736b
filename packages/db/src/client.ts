import { drizzle } from "drizzle-orm/postgres-js";
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

/** Called once per SQL statement sent; tests count statements with it. */
export type QueryHook = (statement: string, params: readonly unknown[]) => void;

/** Called when a statement Drizzle ran has answered: metrics and traces time it with it. */
export type StatementHook = (
  statement: string,
  seconds: number,
  ok: boolean,
  rows: number | undefined,
) => void;

export interface CreateDbOptions {
  url: string;
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

export function createDb({
  url,
  pool,
  onQuery,
  onStatement,
  applicationName = "brisk",
}: CreateDbOptions) {
  const options = { ...defaults, ...pool };
  const usage = { inFlight: 0 };
  // Its own connection, so measuring an exhausted pool never waits behind it.
  let monitor: postgres.Sql | undefined;
  const sql = postgres(url, {
    max: options.max,
    connect_timeout: options.connectTimeoutS,
    idle_timeout: options.idleTimeoutS || undefined,
    max_lifetime: options.maxLifetimeS,
    connection: { application_name: applicationName },
    onnotice: () => {},
    debug: onQuery ? (_conn, statement, params) => onQuery(statement, params) : false,
  });
  const db = drizzle(instrumented(sql, { prepare: options.prepare, onStatement, usage }), {
    schema,
    casing: "snake_case",
  });

  return {
    db,
    sql,
    options,
    /**
     * postgres.js opens connections lazily and has no minimum size, so warming means holding
     * `warm` connections at once: each concurrent query forces a connection of its own.
     */
    async warm() {
      const n = Math.min(options.warm, options.max);
      await Promise.all(Array.from({ length: n }, () => sql`select 1`));
    },
    /**
     * What the pool is doing now. postgres.js keeps its connections private, so open ones are
     * counted by Postgres (this process's application_name) and statements by our own wrapper.
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
      await Promise.all([sql.end({ timeout: timeoutS }), monitor?.end({ timeout: timeoutS })]);
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
    onStatement?: StatementHook | undefined;
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

export type Database = ReturnType<typeof createDb>["db"];
export type DbHandle = ReturnType<typeof createDb>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Either the pool or an open transaction: write queries accept both. */
export type Executor = Database | Transaction;
