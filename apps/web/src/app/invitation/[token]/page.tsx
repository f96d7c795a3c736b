import { PASSWORD_MIN } from "@brisk/trpc";
import { clsx } from "clsx";
import type { Metadata } from "next";
import Link from "next/link";
import ui from "@/components/ui.module.css";
import styles from "@/features/account/account.module.css";
import { InvitationForm } from "./invitation-form";

// The token is in this page's address: no link from it may carry that on in a Referer.
export const metadata: Metadata = { title: "Set your password", referrer: "no-referrer" };

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <>
      <header className={ui.pageHeader}>
        <h1>Set your password</h1>
        <p className={ui.muted}>
          You have been invited to write on Brisk. Choose a password to finish your account.
        </p>
      </header>
      <InvitationForm token={token} passwordMin={PASSWORD_MIN} />
      <p className={clsx(styles.switch, ui.muted)}>
        Set a password already? <Link href="/sign-in">Sign in</Link>
      </p>
    </>
  );
}
