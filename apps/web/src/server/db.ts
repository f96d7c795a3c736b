import "server-only";
import { createDb, type DbHandle, poolOptionsFromEnv } from "@brisk/db";
import { serverEnv } from "@/env";
import { getLogger } from "./log";

/**
 * One Postgres pool per process (playbook rule 2). It lives on globalThis so that dev HMR,
 * which re-evaluates this module, reuses the pool instead of opening another one each time.
 * Created on first use, never at import: `next build` must not connect to a database.
 */
const globalForDb = globalThis as typeof globalThis & { __briskWebDb?: DbHandle };

export function getDb(): DbHandle {
  if (!globalForDb.__briskWebDb) {
    const env = serverEnv();
    const handle = createDb({
      url: env.DATABASE_URL,
      pool: poolOptionsFromEnv(env),
      applicationName: "brisk-web",
    });
    globalForDb.__briskWebDb = handle;
    // Warm in the background: the first requests should not each pay for a connect.
    handle.warm().catch((err: unknown) => {
      getLogger().warn({ err }, "database pool warm-up failed");
    });
  }
  return globalForDb.__briskWebDb;
}
