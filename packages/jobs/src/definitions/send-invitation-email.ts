import type { JobDefinition } from "../definition";
import { events } from "../events";
import { sendInvitationEmail } from "./send-invitation-email.handler";

/**
 * One invitation email per invitation: Inngest drops a second run for it within 24 h
 * (idempotency), and the handler finds the email already recorded on a retry.
 */
export const SEND_INVITATION_EMAIL = {
  id: "send-invitation-email",
  name: "Send the invitation email",
  trigger: events.userInvited,
  idempotency: "event.data.invitationId",
  retries: 4,
  handler: ({ data, io, deps }) =>
    io.step("send", () => sendInvitationEmail(deps, data.invitationId)),
} satisfies JobDefinition<typeof events.userInvited>;
