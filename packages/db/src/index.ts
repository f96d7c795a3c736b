export type {
  Database,
  DbHandle,
  DbPoolEnv,
  Executor,
  PoolOptions,
  QueryHook,
  StatementHook,
  Transaction,
} from "./client";
export { createDb, dbPoolEnv, poolOptionsFromEnv } from "./client";
export { migrationsApplied, migrationsFolder, runMigrations } from "./migrate";
export * as schema from "./schema";
