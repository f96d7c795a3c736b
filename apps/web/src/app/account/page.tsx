import { PASSWORD_MIN } from "@brisk/trpc";
import type { Metadata } from "next";
import Link from "next/link";
import ui from "@/components/ui.module.css";
import { RoleBadge } from "@/features/authors/role-badge";
import { formatDate, isoDate } from "@/lib/format";
import { requireViewer } from "@/server/viewer";
import { serverCaller } from "@/trpc/server";
import { NameForm } from "./name-form";
import styles from "./page.module.css";
import { PasswordForm } from "./password-form";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const viewer = await requireViewer("/account");
  // users.byId tells a user their own email; postsLimit 0, as only the account is shown.
  const account = await (await serverCaller()).users.byId({ id: viewer.id, postsLimit: 0 });
  const email = account.email ?? "";

  return (
    <>
      <header className={ui.pageHeader}>
        <h1>Account</h1>
        <p className={ui.muted}>
          Your name and password. Others see your name and posts on{" "}
          <Link href={`/authors/${viewer.id}`}>your author page</Link>.
        </p>
        <dl className={styles.facts} data-testid="account-facts">
          <div>
            <dt>Email</dt>
            <dd>{email}</dd>
          </div>
          <div>
            <dt>Role</dt>
            <dd>
              <RoleBadge role={account.role} />
            </dd>
          </div>
          <div>
            <dt>Joined</dt>
            <dd>
              <time dateTime={isoDate(account.createdAt)}>{formatDate(account.createdAt)}</time>
            </dd>
          </div>
        </dl>
      </header>
      <div className={styles.sections}>
        <NameForm name={account.name} />
        <PasswordForm email={email} passwordMin={PASSWORD_MIN} />
      </div>
    </>
  );
}
