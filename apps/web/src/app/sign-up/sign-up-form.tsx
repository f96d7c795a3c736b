"use client";

import { clsx } from "clsx";
import { useActionState } from "react";
import ui from "@/components/ui.module.css";
import styles from "@/features/account/account.module.css";
import { AccountField } from "@/features/account/account-field";
import { signUp } from "@/features/account/actions";
import { emptyAccountForm } from "@/features/account/form-state";

/** Posts to a server action, so it works before (or without) JavaScript too. */
export function SignUpForm({ next, passwordMin }: { next: string; passwordMin: number }) {
  const [state, action, busy] = useActionState(signUp, emptyAccountForm);
  return (
    <form
      action={action}
      className={clsx(ui.card, styles.accountCard)}
      noValidate
      aria-busy={busy}
      aria-label="Create an account"
    >
      <input type="hidden" name="next" value={next} />
      <AccountField
        name="name"
        label="Name"
        autoComplete="name"
        defaultValue={state.values.name}
        maxLength={100}
        errors={state.fieldErrors.name}
        hint="Shown on your posts and on the Authors page."
        busy={busy}
      />
      <AccountField
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        defaultValue={state.values.email}
        maxLength={254}
        errors={state.fieldErrors.email}
        busy={busy}
      />
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
      {state.message ? (
        <p className={clsx(ui.errorMessage, ui.formError)} role="alert">
          {state.message}
        </p>
      ) : null}
      <div className={styles.accountActions}>
        <button type="submit" className={ui.button} disabled={busy}>
          {busy ? "Creating your account…" : "Create account"}
        </button>
      </div>
    </form>
  );
}
