"use client";

import { clsx } from "clsx";
import { useActionState } from "react";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";
import { AccountField } from "@/features/account/account-field";
import { changePassword } from "@/features/account/actions";
import { emptyAccountForm } from "@/features/account/form-state";
import styles from "./page.module.css";

/**
 * Posts to a server action, so it works before (or without) JavaScript too. Both fields are
 * emptied after every attempt, as a sign-in's password is.
 */
export function PasswordForm({ email, passwordMin }: { email: string; passwordMin: number }) {
  const [state, action, busy] = useActionState(changePassword, emptyAccountForm);
  return (
    <form
      action={action}
      className={clsx(ui.card, styles.formCard)}
      noValidate
      aria-busy={busy}
      aria-labelledby="account-password-title"
    >
      <div className={styles.formHeading}>
        <h2 id="account-password-title" className={ui.sectionTitle}>
          Change password
        </h2>
        <p className={clsx(ui.muted, ui.small)}>
          This browser stays signed in; everywhere else you are signed out.
        </p>
      </div>
      {/* Tells password managers whose password changes; never sent. */}
      <input type="email" autoComplete="username" value={email} readOnly hidden />
      <AccountField
        name="currentPassword"
        label="Current password"
        type="password"
        autoComplete="current-password"
        maxLength={128}
        errors={state.fieldErrors.currentPassword}
        busy={busy}
      />
      <AccountField
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        maxLength={128}
        errors={state.fieldErrors.newPassword}
        hint={`At least ${passwordMin} characters. A short phrase is easy to remember and hard to guess.`}
        busy={busy}
      />
      {state.message ? (
        <p className={clsx(ui.errorMessage, ui.formError)} role="alert">
          {state.message}
        </p>
      ) : null}
      <div className={styles.formActions}>
        <button type="submit" className={ui.button} disabled={busy}>
          {busy ? "Changing password…" : "Change password"}
        </button>
        {state.saved ? (
          <p className={forms.saved} role="status">
            {state.saved}
          </p>
        ) : null}
      </div>
    </form>
  );
}
