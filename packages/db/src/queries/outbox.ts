import { and, asc, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Database, Executor, Transaction } from "../client";
import { outbox } from "../schema";

/** Written in the transaction of the change it announces, so both land or neither does. */
export async function insertOutboxEvent(
  tx: Executor,
  event: { id?: string | undefined; name: string; data: Record<string, unknown> },
) {
  const [row] = await tx.insert(outbox).values(event).returning({ id: outbox.id });
  return row!.id;
}

/**
 * Unsent events whose next attempt is due, oldest first, locked until `tx` ends. Rows another
 * relay holds are skipped rather than waited for, so two relays never send one row at once.
 */
export function claimDueOutboxEvents(tx: Transaction, limit: number) {
  return tx
    .select({ id: outbox.id, name: outbox.name, data: outbox.data, attempts: outbox.attempts })
    .from(outbox)
    .where(and(isNull(outbox.sentAt), lte(outbox.nextAttemptAt, sql`now()`)))
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
}

export async function markOutboxSent(tx: Executor, ids: readonly string[]) {
  await tx
    .update(outbox)
    .set({ sentAt: sql`now()`, attempts: sql`${outbox.attempts} + 1`, lastError: null })
    .where(inArray(outbox.id, [...ids]));
}

/**
 * Counts a failed attempt and puts the next one off: `baseMs` doubled per attempt up to
 * `maxMs`, each row drawn between half and all of that, so rows that failed together do not
 * all come back at the same instant.
 */
export async function markOutboxFailed(
  tx: Executor,
  ids: readonly string[],
  failure: { error: string; baseMs: number; maxMs: number },
) {
  const delay = sql`least(${failure.maxMs}::float8, ${failure.baseMs}::float8 * power(2, least(${outbox.attempts}, 30))) * (0.5 + random() / 2)`;
  await tx
    .update(outbox)
    .set({
      attempts: sql`${outbox.attempts} + 1`,
      lastError: failure.error.slice(0, 1_000),
      nextAttemptAt: sql`now() + ${delay} * interval '1 millisecond'`,
    })
    .where(inArray(outbox.id, [...ids]));
}

/**
 * Milliseconds until the earliest unsent event is due (negative: overdue), by the database's
 * clock, which also set it; null when none is waiting.
 */
export async function nextOutboxDue(db: Database) {
  const [row] = await db
    .select({
      dueInMs: sql<
        number | null
      >`(extract(epoch from min(${outbox.nextAttemptAt}) - now()) * 1000)::float8`,
    })
    .from(outbox)
    .where(isNull(outbox.sentAt));
  return row?.dueInMs ?? null;
}

/** What the backlog gauges show: unsent events and how long the oldest has waited. */
export async function outboxBacklog(db: Database) {
  const [row] = await db
    .select({
      unsent: sql<number>`count(*)::int`,
      oldestAgeS: sql<number>`coalesce(extract(epoch from now() - min(${outbox.createdAt})), 0)::float8`,
    })
    .from(outbox)
    .where(isNull(outbox.sentAt));
  return row ?? { unsent: 0, oldestAgeS: 0 };
}
