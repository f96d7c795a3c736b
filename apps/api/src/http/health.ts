import type { ServerResponse } from "node:http";
import { migrationsApplied } from "@brisk/db";
import { isTimeout, withTimeout } from "@brisk/resilience";
import type postgres from "postgres";
import { json } from "./routes";

export interface Readiness {
  sql: postgres.Sql;
  isDraining: () => boolean;
  /** False until boot work (pool and cache warm-up) is done. */
  isWarm: () => boolean;
}

/** Process up: answers as long as the event loop turns. */
export function healthz(res: ServerResponse) {
  json(res, 200, { status: "ok" });
}

/**
 * Ready for traffic: not shutting down, warmed up, migrations applied. An unreachable database
 * leaves the instance in rotation, answering 200 `degraded`: every instance shares that
 * database, so taking them all out would turn the outage into a total one at the balancer,
 * while each can still serve cached reads and refuses the rest at once with 503 + Retry-After.
 *
 * The balancer asks every half second, and under load the pool's connections are all busy:
 * a check that queued behind the traffic would time out and take a healthy instance out of
 * rotation. So the migrations are checked until they are seen applied (a schema does not go
 * back), and the database probe that follows is bounded and can only say `degraded`.
 */
export function createReadiness(deps: Readiness) {
  let migrated = false;
  return async function readyz(res: ServerResponse) {
    if (deps.isDraining()) return json(res, 503, { status: "draining" });
    if (!deps.isWarm()) return json(res, 503, { status: "warming up" });
    try {
      if (!migrated) {
        migrated = await withTimeout(PROBE_MS, () => migrationsApplied(deps.sql));
        if (!migrated) return json(res, 503, { status: "migrations pending" });
      } else {
        await withTimeout(PROBE_MS, () => deps.sql`select 1`);
      }
      json(res, 200, { status: "ready" });
    } catch (error) {
      const reason = isTimeout(error) ? "database check timed out" : (error as Error).message;
      json(res, 200, { status: "degraded", database: "unreachable", error: reason });
    }
  };
}

const PROBE_MS = 1_000;
