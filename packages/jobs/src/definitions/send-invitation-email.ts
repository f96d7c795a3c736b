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
  // The invitee waits for this email; one admin inviting hundreds at once takes a few slots
  // and leaves the rest to other admins' invitations.
  priority: { run: "120" },
  concurrency: { limit: 5, key: "event.data.invitedBy" },
  progress: {
    steps: 1,
    owner: ({ data }) => data.userId,
    subject: (data) => `invitation:${data.invitationId}`,
  },
  handler: ({ data, io, deps }) =>
    io.step("send", () => sendInvitationEmail(deps, data.invitationId)),
} satisfies JobDefinition<typeof events.userInvited>;
