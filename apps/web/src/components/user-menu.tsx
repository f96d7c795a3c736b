"use client";

import { clsx } from "clsx";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useActionState } from "react";
import { signOut } from "@/features/account/actions";
import type { Viewer } from "@/features/account/viewer";
import { safeNextPath, signInHref } from "@/lib/next-path";
import navStyles from "./sidebar-nav.module.css";
import styles from "./user-menu.module.css";

/**
 * The sidebar's foot: who is signed in (name and role, leading to their Account page) with a
 * way out, or the ways in. The links in carry the page being shown, so signing in comes back
 * to it.
 */
export function UserMenu({ viewer, unavailable }: { viewer: Viewer | null; unavailable: boolean }) {
  const pathname = usePathname();
  if (viewer) return <SignedIn viewer={viewer} pathname={pathname} />;

  const onAccountPage = pathname === "/sign-in" || pathname === "/sign-up";
  const next = onAccountPage ? undefined : safeNextPath(pathname);
  return (
    <section className={styles.userMenu} aria-label="Account">
      {unavailable ? (
        <p className={styles.userNote} role="status">
          Could not check your session.
        </p>
      ) : null}
      <ul className={navStyles.navList}>
        {(["/sign-in", "/sign-up"] as const).map((href) => {
          const active = pathname === href;
          return (
            <li key={href} className={clsx(href === "/sign-up" && styles.signUpLink)}>
              <Link
                href={next ? signInHref(next, href) : href}
                className={clsx(navStyles.navLink, active && navStyles.navLinkActive)}
                aria-current={active ? "page" : undefined}
              >
                {href === "/sign-in" ? "Sign in" : "Create account"}
              </Link>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function SignedIn({ viewer, pathname }: { viewer: Viewer; pathname: string }) {
  const [error, action, busy] = useActionState(signOut, null);
  const here = pathname === "/account";
  // The whole row leads to the Account page: on small screens the initials are all there is.
  return (
    <section
      className={clsx(styles.userMenu, styles.signedIn)}
      aria-label="Account"
      data-testid="user-menu"
    >
      <Link
        href="/account"
        className={styles.identity}
        aria-current={here ? "page" : undefined}
        title={`${viewer.name}: your account`}
      >
        <span className={styles.avatar} aria-hidden="true">
          {initials(viewer.name)}
        </span>
        <span className={styles.identityText}>
          <span className={styles.userName} data-testid="user-name">
            {viewer.name}
          </span>
          <span className={clsx(styles.role, viewer.role === "admin" && styles.roleAdmin)}>
            {viewer.role}
          </span>
        </span>
      </Link>
      <form action={action} className={styles.signOut}>
        <input type="hidden" name="from" value={pathname} />
        <button type="submit" className={styles.signOutButton} disabled={busy}>
          {busy ? "Signing out…" : "Sign out"}
        </button>
      </form>
      {error ? (
        <p className={styles.userError} role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words.at(-1)] : [words[0]];
  return letters.map((word) => [...(word ?? "")][0]?.toUpperCase() ?? "").join("") || "?";
}
