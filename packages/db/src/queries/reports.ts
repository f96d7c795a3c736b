import { and, count, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { Database, Executor } from "../client";
import { media, posts, postTags, reports, tags, users } from "../schema";

/** Days as YYYY-MM-DD, both included (UTC). */
export interface DayRange {
  from: string;
  to: string;
}

/** Whitespace-separated runs in a post's body: what a reader would count as words. */
const words = sql<number>`coalesce(sum(coalesce(array_length(regexp_split_to_array(btrim(${posts.body}), '\\s+'), 1), 0)), 0)::int`;

/**
 * An author's own numbers over a range, from our database: posts written (and how many are
 * published), their words, and the tags on them. Null when there is no such author.
 * Walks posts_author_created_idx, so it reads only the author's posts in the range.
 */
export async function authorNumbers(db: Database, authorId: number, range: DayRange) {
  const inRange = and(
    eq(posts.authorId, authorId),
    gte(posts.createdAt, new Date(`${range.from}T00:00:00.000Z`)),
    lt(posts.createdAt, new Date(Date.parse(`${range.to}T00:00:00.000Z`) + 86_400_000)),
  );
  const [author, totals, tagCounts] = await Promise.all([
    db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, authorId)),
    db
      .select({
        posts: count(),
        published: sql<number>`(count(*) filter (where ${posts.status} = 'published'))::int`,
        words,
      })
      .from(posts)
      .where(inRange),
    db
      .select({ name: tags.name, slug: tags.slug, posts: count() })
      .from(posts)
      .innerJoin(postTags, eq(postTags.postId, posts.id))
      .innerJoin(tags, eq(tags.id, postTags.tagId))
      .where(inRange)
      .groupBy(tags.id, tags.name, tags.slug)
      .orderBy(desc(count()), tags.name)
      .limit(20),
  ]);
  if (!author[0]) return null;
  const total = totals[0]!;
  return {
    author: author[0],
    posts: total.posts,
    published: total.published,
    words: total.words,
    tags: tagCounts,
  };
}

export type ReportScope = "author" | "workspace" | "bulk";
export type ReportRow = typeof reports.$inferSelect;

/** A report ordered: queued until its job claims it. The caller records its event in `tx`. */
export async function insertReport(
  tx: Executor,
  row: {
    requestedById: number;
    scope: ReportScope;
    authorId: number | null;
    fromDate: string;
    toDate: string;
  },
) {
  const [inserted] = await tx.insert(reports).values(row).returning();
  return inserted!;
}

const listed = {
  id: reports.id,
  requestedById: reports.requestedById,
  scope: reports.scope,
  authorId: reports.authorId,
  authorName: users.name,
  fromDate: reports.fromDate,
  toDate: reports.toDate,
  status: reports.status,
  progress: reports.progress,
  result: reports.result,
  pdfMediaId: reports.pdfMediaId,
  error: reports.error,
  createdAt: reports.createdAt,
  completedAt: reports.completedAt,
};

/**
 * Newest first, `limit` of them, older than `before` (an id) when paging; only `requestedById`'s
 * when given (a member's own). Walks reports_requested_by_idx for a member's.
 */
export async function listReports(
  db: Executor,
  params: { requestedById?: number | undefined; limit: number; before?: number | undefined },
) {
  const conditions = [
    params.requestedById === undefined
      ? undefined
      : eq(reports.requestedById, params.requestedById),
    params.before === undefined ? undefined : lt(reports.id, params.before),
  ].filter((c) => c !== undefined);
  return db
    .select(listed)
    .from(reports)
    .leftJoin(users, eq(users.id, reports.authorId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(reports.id))
    .limit(params.limit);
}

export async function getReport(db: Executor, id: number) {
  const [row] = await db
    .select(listed)
    .from(reports)
    .leftJoin(users, eq(users.id, reports.authorId))
    .where(eq(reports.id, id));
  return row;
}

/** Claims a report for its job: false when it is gone or finished (nothing to do). */
export async function markReportRunning(db: Executor, id: number) {
  const rows = await db
    .update(reports)
    .set({ status: "running", updatedAt: new Date() })
    .where(and(eq(reports.id, id), inArray(reports.status, ["queued", "running"])))
    .returning();
  return rows[0];
}

export async function markReportDone(db: Executor, id: number, result: unknown) {
  await db
    .update(reports)
    .set({ status: "done", progress: 100, result, completedAt: new Date(), updatedAt: new Date() })
    .where(eq(reports.id, id));
}

export async function markReportFailed(db: Executor, id: number, error: string) {
  await db
    .update(reports)
    .set({ status: "failed", error: error.slice(0, 2_000), updatedAt: new Date() })
    .where(and(eq(reports.id, id), inArray(reports.status, ["queued", "running"])));
}

/**
 * The PDF's media row, once: a retried step that stored the object again finds the row it made
 * before and adds none.
 */
export async function attachReportPdf(
  db: Database,
  id: number,
  pdf: { ownerId: number; storageKey: string; byteSize: number },
) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ pdfMediaId: reports.pdfMediaId })
      .from(reports)
      .where(eq(reports.id, id))
      .for("update");
    if (!row) return undefined;
    if (row.pdfMediaId !== null) return row.pdfMediaId;
    const [created] = await tx
      .insert(media)
      .values({ ...pdf, contentType: "application/pdf", status: "ready" })
      .returning({ id: media.id });
    await tx.update(reports).set({ pdfMediaId: created!.id }).where(eq(reports.id, id));
    return created!.id;
  });
}

/** Where a report's PDF is stored, with who ordered it: what the download checks. */
export async function getReportPdf(db: Executor, id: number) {
  const [row] = await db
    .select({
      requestedById: reports.requestedById,
      status: reports.status,
      storageKey: media.storageKey,
    })
    .from(reports)
    .leftJoin(media, eq(media.id, reports.pdfMediaId))
    .where(eq(reports.id, id));
  return row;
}

/** One post as a report reads it: its words counted in SQL, so bodies never leave Postgres. */
export interface ReportPost {
  id: number;
  authorId: number;
  authorName: string;
  title: string;
  status: "draft" | "published";
  createdAt: string;
  words: number;
  tags: string[];
}

/**
 * The posts a report covers: one author's, or everyone's (null), created in the range. The
 * aggregation over them runs elsewhere (off the event loop for many authors).
 */
export async function reportPosts(
  db: Executor,
  authorId: number | null,
  range: DayRange,
): Promise<ReportPost[]> {
  const inRange = and(
    authorId === null ? undefined : eq(posts.authorId, authorId),
    gte(posts.createdAt, new Date(`${range.from}T00:00:00.000Z`)),
    lt(posts.createdAt, new Date(Date.parse(`${range.to}T00:00:00.000Z`) + 86_400_000)),
  );
  const rows = await db
    .select({
      id: posts.id,
      authorId: posts.authorId,
      authorName: users.name,
      title: posts.title,
      status: posts.status,
      createdAt: posts.createdAt,
      words: sql<number>`coalesce(array_length(regexp_split_to_array(btrim(${posts.body}), '\\s+'), 1), 0)::int`,
      tags: sql<
        string[]
      >`coalesce((select array_agg(${tags.name} order by ${tags.name}) from ${postTags} join ${tags} on ${tags.id} = ${postTags.tagId} where ${postTags.postId} = ${posts.id}), '{}')`,
    })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.authorId))
    .where(inRange)
    .orderBy(posts.id);
  return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
}
