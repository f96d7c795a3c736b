"use client";

import { clsx } from "clsx";
import { useActionState } from "react";
import ui from "@/components/ui.module.css";
import styles from "@/features/account/account.module.css";
import { AccountField } from "@/features/account/account-field";
import { inviteMember } from "@/features/account/actions";
import { emptyAccountForm } from "@/features/account/form-state";

/** Admins only (the page decides; the api checks): a new member who sets their own password. */
export function InviteForm() {
  const [state, action, busy] = useActionState(inviteMember, emptyAccountForm);
  return (
    <form
      action={action}
      className={clsx(ui.card, styles.accountCard, styles.inviteCard)}
      noValidate
      aria-busy={busy}
      aria-label="Invite an author"
    >
      <h2 className={styles.inviteTitle}>Invite an author</h2>
      <AccountField
        name="name"
        label="Name"
        autoComplete="off"
        defaultValue={state.values.name}
        maxLength={100}
        errors={state.fieldErrors.name}
        busy={busy}
      />
      <AccountField
        name="email"
        label="Email"
        type="email"
        autoComplete="off"
        defaultValue={state.values.email}
        maxLength={254}
        errors={state.fieldErrors.email}
        hint="They get a link to set their password, valid for 24 hours."
        busy={busy}
      />
      {state.message ? (
        <p className={clsx(ui.errorMessage, ui.formError)} role="alert">
          {state.message}
        </p>
      ) : null}
      {state.saved ? (
        <p className={styles.notice} role="status">
          {state.saved}
        </p>
      ) : null}
      <div className={styles.accountActions}>
        <button type="submit" className={ui.button} disabled={busy}>
          {busy ? "Inviting…" : "Invite"}
        </button>
      </div>
    </form>
  );
}
