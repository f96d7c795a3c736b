"use client";

import { clsx } from "clsx";
import Link from "next/link";
import { useActionState } from "react";
import ui from "@/components/ui.module.css";
import styles from "@/features/account/account.module.css";
import { AccountField } from "@/features/account/account-field";
import { acceptInvitation } from "@/features/account/actions";
import { emptyAccountForm } from "@/features/account/form-state";

/** Posts to a server action, so it works before (or without) JavaScript too. */
export function InvitationForm({ token, passwordMin }: { token: string; passwordMin: number }) {
  const [state, action, busy] = useActionState(acceptInvitation, emptyAccountForm);
  // A link cut short is the page's address, not a field: said like a used or expired one.
  const message = state.message ?? state.fieldErrors.token?.[0];
  return (
    <form
      action={action}
      className={clsx(ui.card, styles.accountCard)}
      noValidate
      aria-busy={busy}
      aria-label="Set your password"
    >
      <input type="hidden" name="token" value={token} />
      <AccountField
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        maxLength={128}
        errors={state.fieldErrors.password}
        hint={`At least ${passwordMin} characters. A short phrase is easy to remember and hard to guess.`}
        busy={busy}
      />
      {message ? (
        <p className={clsx(ui.errorMessage, ui.formError)} role="alert">
          {message} <Link href="/sign-in">Sign in</Link>
        </p>
      ) : null}
      <div className={styles.accountActions}>
        <button type="submit" className={ui.button} disabled={busy}>
          {busy ? "Setting your password…" : "Set password and sign in"}
        </button>
      </div>
    </form>
  );
}
