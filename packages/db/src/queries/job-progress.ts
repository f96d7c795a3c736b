import { and, asc, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../client";
import { jobProgress } from "../schema";

/** The channel every insert into `job_progress` is announced on, with the event as JSON. */
export const JOB_PROGRESS_CHANNEL = "brisk_job_progress";

export type JobProgressKind = (typeof jobProgress.kind.enumValues)[number];

/** One thing a run reported, as subscribers receive it (`createdAt` as ISO text, as in JSON). */
export interface JobProgressEvent {
  id: number;
  runId: string;
  functionId: string;
  ownerId: number | null;
  subject: string | null;
  kind: JobProgressKind;
  done: number;
  total: number;
  label: string | null;
  createdAt: string;
}

// Any constant: it names the lock that puts progress ids in commit order.
const ORDER_LOCK = 0x6272_6b70;
// NOTIFY payloads stop at 8000 bytes; a label is a few words.
const MAX_LABEL = 200;

/**
 * Records an event and announces it in one transaction: Postgres delivers the notification at
 * commit, with the row. The transaction-scoped lock makes ids commit in the order they are
 * drawn, so a subscriber resuming after id N (`listJobProgressAfter`) cannot miss a row with a
 * smaller id committed later. Progress is written a few times per run, so the lock is cheap.
 */
export async function recordJobProgress(
  db: Database,
  event: Omit<JobProgressEvent, "id" | "createdAt">,
): Promise<JobProgressEvent> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${ORDER_LOCK})`);
    const [row] = await tx
      .insert(jobProgress)
      .values({ ...event, label: event.label?.slice(0, MAX_LABEL) ?? null })
      .returning();
    const recorded = toEvent(row!);
    await tx.execute(sql`select pg_notify(${JOB_PROGRESS_CHANNEL}, ${JSON.stringify(recorded)})`);
    return recorded;
  });
}

/**
 * Events after `afterId`, oldest first, at most `limit`: those of `ownerId` only when given
 * (a member), or all (an admin); of one run, or one subject, when given.
 */
export async function listJobProgressAfter(
  db: Database,
  filter: {
    afterId: number;
    ownerId?: number | undefined;
    runId?: string | undefined;
    subject?: string | undefined;
    limit: number;
  },
): Promise<JobProgressEvent[]> {
  const rows = await db
    .select()
    .from(jobProgress)
    .where(
      and(
        gt(jobProgress.id, filter.afterId),
        filter.ownerId === undefined ? undefined : eq(jobProgress.ownerId, filter.ownerId),
        filter.runId === undefined ? undefined : eq(jobProgress.runId, filter.runId),
        filter.subject === undefined ? undefined : eq(jobProgress.subject, filter.subject),
      ),
    )
    .orderBy(asc(jobProgress.id))
    .limit(filter.limit);
  return rows.map(toEvent);
}

/**
 * The latest event of each of `runIds` that has one: where their bars stand when a page is
 * rendered, before its subscription brings what follows. One statement (`distinct on`).
 */
export async function latestJobProgress(
  db: Database,
  runIds: readonly string[],
): Promise<JobProgressEvent[]> {
  if (runIds.length === 0) return [];
  const rows = await db
    .selectDistinctOn([jobProgress.runId])
    .from(jobProgress)
    .where(inArray(jobProgress.runId, [...runIds]))
    .orderBy(jobProgress.runId, desc(jobProgress.id));
  return rows.map(toEvent);
}

/** The newest event's id (0 when there is none): where a subscriber without a past starts. */
export async function lastJobProgressId(db: Database): Promise<number> {
  const [row] = await db
    .select({ id: sql<number>`coalesce(max(${jobProgress.id}), 0)::int8` })
    .from(jobProgress);
  return Number(row?.id ?? 0);
}

/** Deletes events older than `olderThanMs`; the index on `created_at` keeps a no-op cheap. */
export async function pruneJobProgress(db: Database, olderThanMs: number) {
  await db
    .delete(jobProgress)
    .where(lt(jobProgress.createdAt, sql`now() - ${olderThanMs} * interval '1 millisecond'`));
}

function toEvent(row: typeof jobProgress.$inferSelect): JobProgressEvent {
  return { ...row, createdAt: row.createdAt.toISOString() };
}
