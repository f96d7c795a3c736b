export type { Database, DbHandle, DbPoolEnv, PoolOptions, QueryHook } from "./client";
export { createDb, dbPoolEnv, poolOptionsFromEnv } from "./client";
export { migrationsApplied, migrationsFolder, runMigrations } from "./migrate";
export * as schema from "./schema";
