"use client";

import { clsx } from "clsx";
import { useActionState } from "react";
import ui from "@/components/ui.module.css";
import styles from "@/features/account/account.module.css";
import { AccountField } from "@/features/account/account-field";
import { signIn } from "@/features/account/actions";
import { emptyAccountForm } from "@/features/account/form-state";

/** Posts to a server action, so it works before (or without) JavaScript too. */
export function SignInForm({ next }: { next: string }) {
  const [state, action, busy] = useActionState(signIn, emptyAccountForm);
  return (
    <form
      action={action}
      className={clsx(ui.card, styles.accountCard)}
      noValidate
      aria-busy={busy}
      aria-label="Sign in"
    >
      <input type="hidden" name="next" value={next} />
      <AccountField
        name="email"
        label="Email"
        type="email"
        autoComplete="username"
        defaultValue={state.values.email}
        maxLength={254}
        errors={state.fieldErrors.email}
        busy={busy}
      />
      <AccountField
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        maxLength={128}
        errors={state.fieldErrors.password}
        busy={busy}
      />
      {state.message ? (
        <p className={clsx(ui.errorMessage, ui.formError)} role="alert">
          {state.message}
        </p>
      ) : null}
      <div className={styles.accountActions}>
        <button type="submit" className={ui.button} disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </div>
    </form>
  );
}
