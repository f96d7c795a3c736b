import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { z } from "zod";
import * as schema from "./schema";

/**
 * Pool settings of the performance playbook. Apps merge this into their own env module so
 * that every process reads the same variables with the same defaults.
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
  // A request waiting longer than this for the database (pool exhausted, server down) is
  // answered 503 with Retry-After instead of hanging.
  DB_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3_000),
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

/** Called once per SQL statement sent; tests count with it, telemetry times with it. */
export type QueryHook = (statement: string, params: readonly unknown[]) => void;

export interface CreateDbOptions {
  url: string;
  pool?: Partial<PoolOptions>;
  onQuery?: QueryHook;
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

export function createDb({ url, pool, onQuery, applicationName = "brisk" }: CreateDbOptions) {
  const options = { ...defaults, ...pool };
  const sql = postgres(url, {
    max: options.max,
    connect_timeout: options.connectTimeoutS,
    idle_timeout: options.idleTimeoutS || undefined,
    max_lifetime: options.maxLifetimeS,
    connection: { application_name: applicationName },
    onnotice: () => {},
    debug: onQuery ? (_conn, statement, params) => onQuery(statement, params) : false,
  });
  const db = drizzle(options.prepare ? preparingStatements(sql) : sql, {
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
    close(timeoutS = 5) {
      return sql.end({ timeout: timeoutS });
    },
  };
}

/**
 * Drizzle sends its queries through `unsafe()`, which postgres.js runs as unnamed statements:
 * parsed and planned on every call. Asking for `prepare` makes postgres.js keep one named
 * statement per query text on each connection, so a hot query is planned once.
 */
function preparingStatements(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property !== "unsafe") return Reflect.get(target, property, receiver);
      return (query: string, params?: unknown[], options?: object) =>
        target.unsafe(query, params as postgres.ParameterOrJSON<never>[], {
          ...options,
          prepare: true,
        });
    },
  });
}

export type Database = ReturnType<typeof createDb>["db"];
export type DbHandle = ReturnType<typeof createDb>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Either the pool or an open transaction: write queries accept both. */
export type Executor = Database | Transaction;
