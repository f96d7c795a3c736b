export type {
  Database,
  DbHandle,
  DbPoolEnv,
  DbTarget,
  Executor,
  PoolOptions,
  QueryHook,
  ReplicaOptions,
  ReplicaState,
  StatementHook,
  Transaction,
} from "./client";
export { createDb, dbPoolEnv, poolOptionsFromEnv, REPLICA_CHECK_MS } from "./client";
export { migrationsApplied, migrationsFolder, runMigrations } from "./migrate";
export {
  formatScryptHash,
  parseScryptHash,
  SCRYPT_KEY_LENGTH,
  SCRYPT_PARAMS,
  type ScryptParams,
  scryptMaxmem,
} from "./password-hash";
export * as schema from "./schema";
