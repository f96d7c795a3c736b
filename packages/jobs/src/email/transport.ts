import type { Database, Executor } from "@brisk/db";
import {
  type EmailRow,
  insertSentEmail,
  markEmailSent,
  recordQueuedEmail,
} from "@brisk/db/queries/email-delivery";
import { createTransport } from "nodemailer";
import type { RenderedEmail } from "./render";

/**
 * `mailbox` (the default): emails are stored in Postgres as sent, and the dashboard's Mailbox
 * page shows them. `smtp`: sent through the server at `url` (smtp:// or smtps://, with its
 * credentials), and recorded in the same table.
 */
export type EmailSettings = { from: string } & (
  | { transport: "mailbox" }
  | { transport: "smtp"; url: string }
);

export interface OutgoingEmail extends RenderedEmail {
  to: string;
  /** What the email is (`welcome`): the Mailbox page and queries group by it. */
  kind: string;
  /** Names this send: a second send under the same key sends nothing. */
  idempotencyKey: string;
}

export interface EmailTransport {
  /**
   * `sent`, or `duplicate` when this key was sent already and nothing went out. `via`: a
   * transaction to record the email in, so the record commits (or not) with the caller's
   * other writes.
   */
  send(email: OutgoingEmail, via?: Executor): Promise<"sent" | "duplicate">;
  close(): void;
}

export function createEmailTransport(db: Database, settings: EmailSettings): EmailTransport {
  if (settings.transport === "mailbox") {
    return {
      async send(email, via = db) {
        return (await insertSentEmail(via, row(email))) ? "sent" : "duplicate";
      },
      close() {},
    };
  }
  const smtp = createTransport(settings.url);
  return {
    /**
     * Recorded as queued before the SMTP conversation and as sent after it. A retry that finds
     * the row sent sends nothing. One that finds it still queued cannot know whether the
     * server accepted the message before the previous attempt died, and sends again: the one
     * duplicate SMTP allows. The Message-ID comes from the key, so a receiving server that
     * deduplicates by it drops that copy.
     */
    async send(email, via = db) {
      if ((await recordQueuedEmail(via, row(email))) === "sent") return "duplicate";
      await smtp.sendMail({
        from: settings.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: `<${email.idempotencyKey.replace(/[^\w.-]/g, ".")}@brisk>`,
      });
      await markEmailSent(via, email.idempotencyKey);
      return "sent";
    },
    close: () => smtp.close(),
  };
}

function row(email: OutgoingEmail): EmailRow {
  const { to, subject, text, html, kind, idempotencyKey } = email;
  return { to, subject, text, html, kind, idempotencyKey };
}
