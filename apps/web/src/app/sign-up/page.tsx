import { PASSWORD_MIN } from "@brisk/trpc";
import { clsx } from "clsx";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import ui from "@/components/ui.module.css";
import styles from "@/features/account/account.module.css";
import { safeNextPath, signInHref } from "@/lib/next-path";
import { currentViewer } from "@/server/viewer";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create an account" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignUpPage({ searchParams }: { searchParams: SearchParams }) {
  const next = safeNextPath((await searchParams).next);
  if (await currentViewer()) redirect(next);

  return (
    <>
      <header className={ui.pageHeader}>
        <h1>Create an account</h1>
        <p className={ui.muted}>
          A member account: write posts and edit your own. Admins can give you more.
        </p>
      </header>
      <SignUpForm next={next} passwordMin={PASSWORD_MIN} />
      <p className={clsx(styles.switch, ui.muted)}>
        Have an account? <Link href={signInHref(next)}>Sign in</Link>
      </p>
    </>
  );
}
