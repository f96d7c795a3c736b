import type { Database, Transaction } from "@brisk/db";
import { sql } from "drizzle-orm";
import type { Deadline } from "./deadline";
import type { RequestLog } from "./logger";
import { unavailable } from "./unavailable";

/** Something a write wants done once it has committed, and never if it has not. */
type Effect = () => unknown;

/**
 * Runs a write in one transaction bounded by the call's deadline: statements may not outlive
 * it, and it commits only if the deadline has not already told the client it failed.
 *
 * `work` registers with `afterCommit` what must follow the write (dropping cached copies now,
 * events for background jobs next). They run, in order, once the transaction has committed
 * and before the procedure answers; a write that rolls back or is refused runs none. An
 * effect that fails is logged: the write has happened, and the client is told so.
 */
export async function writeWithin<T>(
  ctx: { db: Database; deadline: Deadline; log: RequestLog },
  work: (tx: Transaction, afterCommit: (effect: Effect) => void) => Promise<T>,
): Promise<T> {
  const effects: Effect[] = [];
  const result = await ctx.db.transaction(async (tx) => {
    const remaining = ctx.deadline.remainingMs();
    if (remaining === 0) throw unavailable("mutation");
    await tx.execute(sql`select set_config('statement_timeout', ${String(remaining)}, true)`);
    const value = await work(tx, (effect) => effects.push(effect));
    if (!ctx.deadline.claimCommit()) throw unavailable("mutation");
    return value;
  });
  ctx.deadline.committed();
  for (const effect of effects) {
    try {
      await effect();
    } catch (error) {
      ctx.log.error({ err: error }, "an effect after commit failed");
    }
  }
  return result;
}
