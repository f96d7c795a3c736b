import { clsx } from "clsx";
import type { ReactNode } from "react";
import { describedBy, FieldError } from "@/components/field-error";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";

/** One labelled input of an account form, with its hint and the api's messages under it. */
export function AccountField({
  name,
  label,
  type = "text",
  autoComplete,
  defaultValue,
  maxLength,
  errors,
  hint,
  busy,
}: {
  name: string;
  label: string;
  type?: "text" | "email" | "password";
  autoComplete: string;
  defaultValue?: string | undefined;
  maxLength: number;
  errors: string[] | undefined;
  hint?: ReactNode;
  busy: boolean;
}) {
  const id = `account-${name}`;
  return (
    <div className={forms.field}>
      <label className={forms.fieldLabel} htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        className={forms.input}
        autoComplete={autoComplete}
        defaultValue={defaultValue}
        maxLength={maxLength}
        readOnly={busy}
        spellCheck={false}
        autoCapitalize={type === "text" ? undefined : "none"}
        {...describedBy(`${id}-error`, errors)}
      />
      {hint ? <p className={clsx(ui.muted, ui.small)}>{hint}</p> : null}
      <FieldError id={`${id}-error`} messages={errors} />
    </div>
  );
}
