import { desc, eq, lt } from "drizzle-orm";
import type { Database } from "../client";
import { emails } from "../schema";

export interface ListEmailsParams {
  /** The id of the last email of the previous page. */
  cursor?: number | undefined;
  limit: number;
}

/**
 * The dev mailbox, newest first, without the bodies (a page of them would be large). Ordered by
 * id: identity ids follow the order rows were written, and a keyset on the id alone is exact,
 * where created_at's microseconds would not survive a cursor.
 */
export async function listEmails(db: Database, params: ListEmailsParams) {
  const rows = await db
    .select({
      id: emails.id,
      to: emails.to,
      subject: emails.subject,
      kind: emails.kind,
      status: emails.status,
      createdAt: emails.createdAt,
      sentAt: emails.sentAt,
    })
    .from(emails)
    .where(params.cursor === undefined ? undefined : lt(emails.id, params.cursor))
    .orderBy(desc(emails.id))
    .limit(params.limit + 1);
  const hasMore = rows.length > params.limit;
  const items = hasMore ? rows.slice(0, params.limit) : rows;
  return { items, nextCursor: hasMore ? (items.at(-1)?.id ?? null) : null };
}

/** One email with its text and HTML parts; null when there is none with that id. */
export async function getEmail(db: Database, id: number) {
  const [row] = await db
    .select({
      id: emails.id,
      to: emails.to,
      subject: emails.subject,
      kind: emails.kind,
      status: emails.status,
      createdAt: emails.createdAt,
      sentAt: emails.sentAt,
      text: emails.text,
      html: emails.html,
    })
    .from(emails)
    .where(eq(emails.id, id));
  return row ?? null;
}
