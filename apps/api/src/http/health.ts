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

/** Ready for traffic: not shutting down, warmed up, database reachable, migrations applied. */
export async function readyz(res: ServerResponse, deps: Readiness) {
  if (deps.isDraining()) return json(res, 503, { status: "draining" });
  if (!deps.isWarm()) return json(res, 503, { status: "warming up" });
  try {
    const applied = await withTimeout(2_000, () => migrationsApplied(deps.sql));
    if (!applied) return json(res, 503, { status: "migrations pending" });
    json(res, 200, { status: "ready" });
  } catch (error) {
    const reason = isTimeout(error) ? "database check timed out" : (error as Error).message;
    json(res, 503, { status: "database unreachable", error: reason });
  }
}
