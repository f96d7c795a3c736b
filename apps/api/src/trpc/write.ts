import type { Database, Transaction } from "@brisk/db";
import { sql } from "drizzle-orm";
import type { Deadline } from "./deadline";
import { unavailable } from "./unavailable";

/**
 * Runs a write in one transaction bounded by the call's deadline: statements may not outlive
 * it, and it commits only if the deadline has not already told the client it failed.
 */
export function writeWithin<T>(
  ctx: { db: Database; deadline: Deadline },
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction(async (tx) => {
    const remaining = ctx.deadline.remainingMs();
    if (remaining === 0) throw unavailable("mutation");
    await tx.execute(sql`select set_config('statement_timeout', ${String(remaining)}, true)`);
    const result = await work(tx);
    if (!ctx.deadline.claimCommit()) throw unavailable("mutation");
    return result;
  });
}
