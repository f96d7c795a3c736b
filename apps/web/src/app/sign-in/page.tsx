import { clsx } from "clsx";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import ui from "@/components/ui.module.css";
import styles from "@/features/account/account.module.css";
import { HOME_PATH, safeNextPath, signInHref } from "@/lib/next-path";
import { currentViewer } from "@/server/viewer";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const next = safeNextPath((await searchParams).next);
  // Signed in already: straight on to where sign-in would have led.
  if (await currentViewer()) redirect(next);

  return (
    <>
      <header className={ui.pageHeader}>
        <h1>Sign in</h1>
        <p className={ui.muted}>With the email and password of your Brisk account.</p>
        {next !== HOME_PATH ? (
          <p className={styles.notice} data-testid="sign-in-reason">
            That page needs an account: sign in and you will be taken back to it.
          </p>
        ) : null}
      </header>
      <SignInForm next={next} />
      <p className={clsx(styles.switch, ui.muted)}>
        New to Brisk? <Link href={signInHref(next, "/sign-up")}>Create an account</Link>
      </p>
    </>
  );
}
