"use client";

import { useSuspenseInfiniteQuery } from "@tanstack/react-query";
import { clsx } from "clsx";
import Link from "next/link";
import { ListFooter } from "@/components/list-footer";
import table from "@/components/table.module.css";
import ui from "@/components/ui.module.css";
import { EmailStatus } from "@/features/mailbox/email-status";
import { mailboxListInput, mailboxListPaging } from "@/features/mailbox/queries";
import { formatDateTime, isoDate } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import styles from "./mailbox.module.css";

export function MailboxList() {
  const trpc = useTRPC();
  const query = useSuspenseInfiniteQuery(
    trpc.mailbox.list.infiniteQueryOptions(mailboxListInput, mailboxListPaging),
  );
  const emails = query.data.pages.flatMap((page) => page.items);

  if (emails.length === 0) {
    return (
      <section className={clsx(ui.panel, ui.state)} data-testid="mailbox-empty">
        <h2>No emails yet</h2>
        <p className={ui.muted}>
          Emails appear here when Brisk sends them (a welcome to a new account, an invitation, a
          report ready) while it runs on its embedded defaults. With SMTP configured they go out for
          real instead.
        </p>
      </section>
    );
  }

  return (
    <section aria-labelledby="mailbox-title">
      <h2 id="mailbox-title" className={ui.visuallyHidden}>
        Emails
      </h2>
      <div className={clsx(ui.card, styles.tableCard)}>
        <table className={clsx(table.table, styles.mailTable)} aria-labelledby="mailbox-title">
          <thead>
            <tr>
              <th scope="col">Subject</th>
              <th scope="col" className={styles.colTo}>
                To
              </th>
              <th scope="col" className={styles.colKind}>
                Kind
              </th>
              <th scope="col" className={styles.colStatus}>
                Status
              </th>
              <th scope="col" className={styles.colWhen}>
                Created
              </th>
            </tr>
          </thead>
          <tbody>
            {emails.map((email) => (
              <tr key={email.id} data-testid="mailbox-row">
                <td>
                  <Link href={`/mailbox/${email.id}`} className={styles.subject}>
                    {email.subject}
                  </Link>
                </td>
                <td className={styles.address}>{email.to}</td>
                <td>
                  <code className={styles.kind}>{email.kind}</code>
                </td>
                <td>
                  <EmailStatus status={email.status} />
                </td>
                <td className={ui.muted}>
                  <time dateTime={isoDate(email.createdAt)}>{formatDateTime(email.createdAt)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <ListFooter
        pages={query}
        shown={emails.length}
        noun={{ one: "email", many: "emails" }}
        end={
          <p className={clsx(ui.muted, ui.small)} data-testid="mailbox-end">
            That's every email
          </p>
        }
      />
    </section>
  );
}
