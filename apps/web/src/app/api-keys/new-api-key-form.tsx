"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { clsx } from "clsx";
import { type FormEvent, useState } from "react";
import { describedBy, FieldError } from "@/components/field-error";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";
import { apiMessage, fieldErrorsOf } from "@/lib/api-errors";
import { useTRPC } from "@/trpc/react";
import styles from "./api-keys.module.css";
import { NewKeyShown } from "./new-key-shown";

type Role = "member" | "admin";

const ROLES: { role: Role; label: string; hint: string }[] = [
  {
    role: "member",
    label: "Member",
    hint: "Reads what a signed-in member reads. A key owns no posts, so it changes none.",
  },
  { role: "admin", label: "Admin", hint: "Everything an admin can do: posts, tags, roles, keys." },
];

/** apiKeys.create: a name and a role; the key comes back once and is shown once. */
export function NewApiKeyForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);

  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.apiKeys.list.pathFilter()),
    }),
  );
  const busy = create.isPending;
  const errors = fieldErrorsOf(create.error);
  const message = !create.error
    ? null
    : errors.name?.length || errors.role?.length
      ? "No key was made. Check the fields marked above."
      : (apiMessage(create.error) ?? "Could not reach the api. Try again in a moment.");

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    create.mutate(
      { name, role },
      {
        onSuccess: (key) => {
          setShown({ name: key.name, token: key.token });
          setName("");
          setRole("member");
        },
      },
    );
  }

  const chosen = ROLES.find((option) => option.role === role);
  return (
    <>
      {shown ? (
        <NewKeyShown name={shown.name} token={shown.token} onDone={() => setShown(null)} />
      ) : null}
      <form
        className={clsx(ui.card, styles.keyForm)}
        onSubmit={submit}
        noValidate
        aria-busy={busy}
        aria-labelledby="new-key-title"
        data-testid="api-key-form"
      >
        <h2 id="new-key-title" className={ui.sectionTitle}>
          New API key
        </h2>
        <div className={styles.keyFields}>
          <div className={forms.field}>
            <label className={forms.fieldLabel} htmlFor="new-key-name">
              Name
            </label>
            <input
              id="new-key-name"
              className={forms.input}
              value={name}
              onChange={(event) => {
                setName(event.target.value);
                setShown(null);
              }}
              maxLength={80}
              autoComplete="off"
              readOnly={busy}
              {...describedBy("new-key-name-error", errors.name)}
            />
            <p className={clsx(ui.muted, ui.small)}>The service that will use it.</p>
            <FieldError id="new-key-name-error" messages={errors.name} />
          </div>
          <fieldset
            className={forms.field}
            disabled={busy}
            {...describedBy("new-key-role-error", errors.role)}
          >
            <legend className={forms.fieldLabel}>Role</legend>
            <div className={forms.segmented}>
              {ROLES.map((option) => (
                <label
                  key={option.role}
                  className={forms.segment}
                  data-checked={role === option.role || undefined}
                >
                  <input
                    type="radio"
                    name="role"
                    value={option.role}
                    checked={role === option.role}
                    onChange={() => setRole(option.role)}
                  />
                  {option.label}
                </label>
              ))}
            </div>
            <p className={clsx(ui.muted, ui.small)}>{chosen?.hint}</p>
            <FieldError id="new-key-role-error" messages={errors.role} />
          </fieldset>
        </div>

        {message ? (
          <p className={clsx(ui.errorMessage, ui.formError)} role="alert">
            {message}
          </p>
        ) : null}

        <div className={styles.keyFormActions}>
          <button type="submit" className={ui.button} disabled={busy}>
            {busy ? "Creating…" : "Create key"}
          </button>
        </div>
      </form>
    </>
  );
}
