import { and, eq, isNull } from "drizzle-orm";
import type { Executor } from "../client";
import { emails, invitations, users } from "../schema";

export async function insertInvitation(
  tx: Executor,
  invitation: { userId: number; expiresAt: Date; createdById: number | null },
) {
  const [row] = await tx
    .insert(invitations)
    .values(invitation)
    .returning({ id: invitations.id, expiresAt: invitations.expiresAt });
  return row!;
}

/**
 * The invitation to mail, its row locked until the transaction ends so two runs of the job
 * take turns; `mailed` when its email was recorded already. Null when it is gone.
 */
export async function lockInvitationForSending(tx: Executor, id: number, idempotencyKey: string) {
  const [row] = await tx
    .select({
      id: invitations.id,
      expiresAt: invitations.expiresAt,
      usedAt: invitations.usedAt,
      name: users.name,
      email: users.email,
    })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.userId))
    .where(eq(invitations.id, id))
    .for("update", { of: invitations });
  if (!row) return null;
  const [mailed] = await tx
    .select({ id: emails.id })
    .from(emails)
    .where(and(eq(emails.idempotencyKey, idempotencyKey), eq(emails.status, "sent")));
  return { ...row, mailed: Boolean(mailed) };
}

export async function setInvitationTokenHash(tx: Executor, id: number, tokenHash: string) {
  await tx.update(invitations).set({ tokenHash }).where(eq(invitations.id, id));
}

/** The invitation a token opens, locked for its use, with its member; null when none. */
export async function lockInvitationByTokenHash(tx: Executor, tokenHash: string) {
  const [row] = await tx
    .select({
      id: invitations.id,
      userId: invitations.userId,
      expiresAt: invitations.expiresAt,
      usedAt: invitations.usedAt,
      name: users.name,
      email: users.email,
      role: users.role,
    })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.userId))
    .where(eq(invitations.tokenHash, tokenHash))
    .for("update", { of: invitations });
  return row ?? null;
}

/** Marks it used; false when it was used already. */
export async function markInvitationUsed(tx: Executor, id: number) {
  const rows = await tx
    .update(invitations)
    .set({ usedAt: new Date() })
    .where(and(eq(invitations.id, id), isNull(invitations.usedAt)))
    .returning({ id: invitations.id });
  return rows.length > 0;
}
