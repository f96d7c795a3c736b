import { clsx } from "clsx";
import Link from "next/link";
import ui from "./ui.module.css";

/** What a member finds on an admin's page: whose page it is and what to do instead. */
export function AdminsOnly({ title, what }: { title: string; what: string }) {
  return (
    <>
      <header className={ui.pageHeader}>
        <h1>{title}</h1>
      </header>
      <section className={clsx(ui.panel, ui.state)} data-testid="admins-only">
        <p className={ui.eyebrow}>Admins only</p>
        <h2>This page is for admins</h2>
        <p className={ui.muted}>
          {what} You are signed in as a member: an admin can do this for you, or give your account
          the admin role.
        </p>
        <Link href="/authors" className={clsx(ui.button, ui.buttonSecondary)}>
          Go to Authors
        </Link>
      </section>
    </>
  );
}
