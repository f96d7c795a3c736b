import type { JobDefinition } from "../definition";
import { events } from "../events";
import { sendWelcomeEmail } from "./send-welcome-email.handler";

/**
 * One welcome email per account. Inngest drops a second run for the same user within 24 h
 * (idempotency); the email's own idempotency key makes a retried step, or a run past that
 * window, send nothing more.
 */
export const SEND_WELCOME_EMAIL = {
  id: "send-welcome-email",
  name: "Send the welcome email",
  trigger: events.userSignedUp,
  idempotency: "event.data.userId",
  retries: 4,
  // A member who just signed up waits for this: it goes ahead of bulk work (negative priority).
  priority: { run: "120" },
  progress: {
    steps: 1,
    owner: ({ data }) => data.userId,
    subject: (data) => `user:${data.userId}`,
  },
  handler: ({ data, io, deps }) => io.step("send", () => sendWelcomeEmail(deps, data.userId)),
} satisfies JobDefinition<typeof events.userSignedUp>;
