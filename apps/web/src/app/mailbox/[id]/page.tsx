import { TRPCError } from "@trpc/server";
import { clsx } from "clsx";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { cache } from "react";
import { AdminsOnly } from "@/components/admins-only";
import ui from "@/components/ui.module.css";
import { EmailStatus } from "@/features/mailbox/email-status";
import { formatDateTime, isoDate } from "@/lib/format";
import { parseId } from "@/lib/ids";
import { requireViewer } from "@/server/viewer";
import { serverCaller } from "@/trpc/server";
import styles from "../mailbox.module.css";

type Params = Promise<{ id: string }>;

/** One in-process call per request, shared by generateMetadata and the page. */
const loadEmail = cache(async (raw: string) => {
  await connection();
  const id = parseId(raw);
  if (id === null) notFound();
  try {
    const caller = await serverCaller();
    return await caller.mailbox.byId({ id });
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
});

export const metadata: Metadata = { title: "Dev mailbox" };

export default async function EmailPage({ params }: { params: Params }) {
  const viewer = await requireViewer("/mailbox");
  if (viewer.role !== "admin") {
    return (
      <AdminsOnly
        title="Dev mailbox"
        what="The dev mailbox shows the emails Brisk sent, with other users' addresses and links in them."
      />
    );
  }
  const email = await loadEmail((await params).id);

  return (
    <>
      <nav className={ui.breadcrumb} aria-label="Breadcrumb">
        <Link href="/mailbox">Dev mailbox</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{email.subject}</span>
      </nav>

      <header className={ui.pageHeader}>
        <div>
          <h1>{email.subject}</h1>
          <dl className={styles.facts}>
            <div>
              <dt>To</dt>
              <dd data-testid="email-to">{email.to}</dd>
            </div>
            <div>
              <dt>Kind</dt>
              <dd>
                <code>{email.kind}</code>
              </dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <EmailStatus status={email.status} />
              </dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>
                <time dateTime={isoDate(email.createdAt)}>{formatDateTime(email.createdAt)}</time>
              </dd>
            </div>
            {email.sentAt ? (
              <div>
                <dt>Sent</dt>
                <dd>
                  <time dateTime={isoDate(email.sentAt)}>{formatDateTime(email.sentAt)}</time>
                </dd>
              </div>
            ) : null}
          </dl>
        </div>
      </header>

      <section aria-labelledby="email-html-title" className={styles.part}>
        <h2 id="email-html-title" className={ui.sectionTitle}>
          As sent (HTML)
        </h2>
        {email.html === null ? (
          <div className={clsx(ui.panel, ui.panelMuted)}>
            <p className={ui.muted}>This email has no HTML part: its text is all there is.</p>
          </div>
        ) : (
          <div className={clsx(ui.card, styles.htmlCard)}>
            {/*
              The HTML is whatever the email carried: an empty sandbox runs no script, submits no
              form, and gives the page an origin of its own, so nothing in it reaches the
              dashboard or its cookies.
            */}
            <iframe
              title={`HTML of “${email.subject}”`}
              className={styles.htmlFrame}
              sandbox=""
              referrerPolicy="no-referrer"
              srcDoc={email.html}
              data-testid="email-html"
            />
          </div>
        )}
      </section>

      <section aria-labelledby="email-text-title" className={styles.part}>
        <h2 id="email-text-title" className={ui.sectionTitle}>
          Text
        </h2>
        <div className={ui.card}>
          <pre className={styles.textPart} data-testid="email-text">
            {email.text}
          </pre>
        </div>
      </section>
    </>
  );
}
