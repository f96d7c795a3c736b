import type { ServerResponse } from "node:http";
import { migrationsApplied } from "@brisk/db";
import type postgres from "postgres";

export interface Readiness {
  sql: postgres.Sql;
  isDraining: () => boolean;
  /** False until boot work (the cache warm-up) is done; absent when there is none. */
  isWarm?: () => boolean;
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/** Process up: answers as long as the event loop turns. */
export function healthz(res: ServerResponse) {
  json(res, 200, { status: "ok" });
}

/** Ready for traffic: warmed up, database reachable, migrations applied, not shutting down. */
export async function readyz(res: ServerResponse, deps: Readiness) {
  if (deps.isDraining()) return json(res, 503, { status: "draining" });
  if (deps.isWarm && !deps.isWarm()) return json(res, 503, { status: "warming up" });
  try {
    const applied = await Promise.race([
      migrationsApplied(deps.sql),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("database check timed out")), 2_000).unref(),
      ),
    ]);
    if (!applied) return json(res, 503, { status: "migrations pending" });
    json(res, 200, { status: "ready" });
  } catch (error) {
    json(res, 503, { status: "database unreachable", error: (error as Error).message });
  }
}
