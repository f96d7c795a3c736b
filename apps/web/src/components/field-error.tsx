import forms from "./form.module.css";

/** A field's messages from the api, tied to its input by aria-describedby. */
export function FieldError({ id, messages }: { id: string; messages: string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <p id={id} className={forms.fieldError}>
      {messages.join(" ")}
    </p>
  );
}

/** aria props for an input whose field may carry messages. */
export function describedBy(id: string, messages: string[] | undefined) {
  return messages?.length ? { "aria-invalid": true, "aria-describedby": id } : {};
}
