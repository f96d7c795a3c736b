import { clsx } from "clsx";
import type { ReactNode } from "react";
import { describedBy, FieldError } from "@/components/field-error";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";
import { pickerValue } from "@/features/tags/colour";
import type { FieldErrors } from "@/lib/api-errors";
import styles from "./tag-fields.module.css";

export interface TagDraft {
  name: string;
  slug: string;
  colour: string;
}

/**
 * Name, slug and colour, shared by the new-tag form and a row being edited. The colour has a
 * picker and the hex it stands for; either one edits it. Bounds match tags.create's schema.
 */
export function TagFields({
  idPrefix,
  draft,
  onChange,
  errors,
  busy,
  pickerFallback,
  slugHint,
}: {
  idPrefix: string;
  draft: TagDraft;
  onChange: (patch: Partial<TagDraft>) => void;
  errors: FieldErrors;
  busy: boolean;
  /** What the picker shows while the hex field holds no valid colour. */
  pickerFallback: string;
  slugHint: ReactNode;
}) {
  const id = (field: string) => `${idPrefix}-${field}`;
  return (
    <div className={styles.tagFields}>
      <div className={forms.field}>
        <label className={forms.fieldLabel} htmlFor={id("name")}>
          Name
        </label>
        <input
          id={id("name")}
          className={clsx(forms.input, styles.fieldInput)}
          value={draft.name}
          onChange={(event) => onChange({ name: event.target.value })}
          maxLength={40}
          autoComplete="off"
          readOnly={busy}
          {...describedBy(id("name-error"), errors.name)}
        />
        <FieldError id={id("name-error")} messages={errors.name} />
      </div>

      <div className={forms.field}>
        <label className={forms.fieldLabel} htmlFor={id("slug")}>
          Slug
        </label>
        <input
          id={id("slug")}
          className={clsx(forms.input, forms.inputMono, styles.fieldInput)}
          value={draft.slug}
          onChange={(event) => onChange({ slug: event.target.value })}
          maxLength={64}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          readOnly={busy}
          {...describedBy(id("slug-error"), errors.slug)}
        />
        <p className={clsx(ui.muted, ui.small)}>{slugHint}</p>
        <FieldError id={id("slug-error")} messages={errors.slug} />
      </div>

      <div className={forms.field}>
        <label className={forms.fieldLabel} htmlFor={id("colour")}>
          Colour
        </label>
        <div className={styles.colourControl}>
          <input
            type="color"
            className={styles.colourPicker}
            aria-label="Colour picker"
            value={pickerValue(draft.colour, pickerFallback)}
            onChange={(event) => onChange({ colour: event.target.value })}
            disabled={busy}
          />
          <input
            id={id("colour")}
            className={clsx(forms.input, forms.inputMono, styles.fieldInput, styles.colourHex)}
            value={draft.colour}
            onChange={(event) => onChange({ colour: event.target.value })}
            maxLength={7}
            autoComplete="off"
            spellCheck={false}
            readOnly={busy}
            {...describedBy(id("colour-error"), errors.colour)}
          />
        </div>
        <FieldError id={id("colour-error")} messages={errors.colour} />
      </div>
    </div>
  );
}
