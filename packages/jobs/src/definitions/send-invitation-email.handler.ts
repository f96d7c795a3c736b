import { createHash, randomBytes } from "node:crypto";
import { lockInvitationForSending, setInvitationTokenHash } from "@brisk/db/queries/invitations";
import type { JobDeps } from "../definition";
import { invitationEmail } from "../email/invitation";

/**
 * Makes the invitation's token and mails its link. The token is made here, not by
 * `users.invite`, so that it never travels in an event or a memoized step result: only its
 * SHA-256 is stored, and the plain token exists only in the email. One transaction holds the
 * invitation's row from the check to the send and records the email in it too, so the stored
 * hash and the recorded email commit together: two runs take turns and the second finds the
 * email recorded; a run whose previous attempt died before committing makes a new token.
 */
export async function sendInvitationEmail(deps: JobDeps, invitationId: number) {
  const idempotencyKey = `invitation:${invitationId}`;
  return deps.db.transaction(async (tx) => {
    const invitation = await lockInvitationForSending(tx, invitationId, idempotencyKey);
    if (!invitation) return { outcome: "no-such-invitation" as const };
    if (invitation.mailed) return { outcome: "duplicate" as const };
    if (invitation.usedAt) return { outcome: "used" as const };
    if (invitation.expiresAt <= new Date()) return { outcome: "expired" as const };
    const token = randomBytes(32).toString("base64url");
    await setInvitationTokenHash(
      tx,
      invitation.id,
      createHash("sha256").update(token).digest("hex"),
    );
    const link = `${deps.dashboardUrl}/invitation/${token}`;
    const outcome = await deps.email.send(
      {
        to: invitation.email,
        kind: "invitation",
        idempotencyKey,
        ...invitationEmail(invitation, link),
      },
      tx,
    );
    return { outcome };
  });
}
