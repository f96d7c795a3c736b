import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { emails } from "../schema";

export interface EmailRow {
  to: string;
  subject: string;
  text: string;
  html: string;
  kind: string;
  idempotencyKey: string;
}

/**
 * The dev mailbox's send: the email stored as sent, once per idempotency key. False when the
 * key was there already (a retried step, a redelivered event): nothing is written again.
 */
export async function insertSentEmail(tx: Executor, email: EmailRow) {
  const rows = await tx
    .insert(emails)
    .values({ ...email, status: "sent", sentAt: sql`now()` })
    .onConflictDoNothing({ target: emails.idempotencyKey })
    .returning({ id: emails.id });
  return rows.length > 0;
}

/**
 * Before an SMTP send: the email recorded as queued under its key. Returns its status: `queued`
 * for a new row (or one a previous attempt left unconfirmed), `sent` when it has gone already.
 */
export async function recordQueuedEmail(tx: Executor, email: EmailRow) {
  await tx
    .insert(emails)
    .values({ ...email, status: "queued" })
    .onConflictDoNothing({ target: emails.idempotencyKey });
  const [row] = await tx
    .select({ status: emails.status })
    .from(emails)
    .where(eq(emails.idempotencyKey, email.idempotencyKey));
  return row!.status;
}

/** After the SMTP server accepted it. */
export async function markEmailSent(tx: Executor, idempotencyKey: string) {
  await tx
    .update(emails)
    .set({ status: "sent", sentAt: sql`now()` })
    .where(and(eq(emails.idempotencyKey, idempotencyKey), eq(emails.status, "queued")));
}
