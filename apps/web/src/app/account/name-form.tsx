"use client";

import { clsx } from "clsx";
import { useActionState } from "react";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";
import { AccountField } from "@/features/account/account-field";
import { updateName } from "@/features/account/actions";
import { emptyAccountForm } from "@/features/account/form-state";
import styles from "./page.module.css";

/** Posts to a server action, so it works before (or without) JavaScript too. */
export function NameForm({ name }: { name: string }) {
  const [state, action, busy] = useActionState(updateName, emptyAccountForm);
  return (
    <form
      action={action}
      className={clsx(ui.card, styles.formCard)}
      noValidate
      aria-busy={busy}
      aria-labelledby="account-name-title"
    >
      <h2 id="account-name-title" className={ui.sectionTitle}>
        Your name
      </h2>
      <AccountField
        name="name"
        label="Name"
        autoComplete="name"
        defaultValue={state.values.name ?? name}
        maxLength={100}
        errors={state.fieldErrors.name}
        hint="Shown on your posts and on the Authors page."
        busy={busy}
      />
      {state.message ? (
        <p className={clsx(ui.errorMessage, ui.formError)} role="alert">
          {state.message}
        </p>
      ) : null}
      <div className={styles.formActions}>
        <button type="submit" className={ui.button} disabled={busy}>
          {busy ? "Saving…" : "Save name"}
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
