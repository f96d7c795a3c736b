import { getUserIdentity } from "@brisk/db/queries/auth";
import type { JobDeps } from "../definition";
import { welcomeEmail } from "../email/welcome";

/**
 * Renders and sends the welcome email. A user deleted since signing up gets none, and that
 * is an outcome, not a failure to retry.
 */
export async function sendWelcomeEmail(deps: JobDeps, userId: number) {
  const user = await getUserIdentity(deps.db, userId);
  if (!user) return { outcome: "no-such-user" as const };
  const outcome = await deps.email.send({
    to: user.email,
    kind: "welcome",
    idempotencyKey: `welcome:${user.id}`,
    ...welcomeEmail(user),
  });
  return { outcome };
}
