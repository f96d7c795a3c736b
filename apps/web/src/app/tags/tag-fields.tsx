import type { ReactNode } from "react";
import { describedBy, FieldError } from "@/components/field-error";
import { pickerValue } from "@/features/tags/colour";
import type { FieldErrors } from "@/lib/api-errors";

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
    <div className="tag-fields">
      <div className="field">
        <label className="field-label" htmlFor={id("name")}>
          Name
        </label>
        <input
          id={id("name")}
          className="input"
          value={draft.name}
          onChange={(event) => onChange({ name: event.target.value })}
          maxLength={40}
          autoComplete="off"
          readOnly={busy}
          {...describedBy(id("name-error"), errors.name)}
        />
        <FieldError id={id("name-error")} messages={errors.name} />
      </div>

      <div className="field">
        <label className="field-label" htmlFor={id("slug")}>
          Slug
        </label>
        <input
          id={id("slug")}
          className="input input-mono"
          value={draft.slug}
          onChange={(event) => onChange({ slug: event.target.value })}
          maxLength={64}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          readOnly={busy}
          {...describedBy(id("slug-error"), errors.slug)}
        />
        <p className="muted small">{slugHint}</p>
        <FieldError id={id("slug-error")} messages={errors.slug} />
      </div>

      <div className="field">
        <label className="field-label" htmlFor={id("colour")}>
          Colour
        </label>
        <div className="colour-control">
          <input
            type="color"
            className="colour-picker"
            aria-label="Colour picker"
            value={pickerValue(draft.colour, pickerFallback)}
            onChange={(event) => onChange({ colour: event.target.value })}
            disabled={busy}
          />
          <input
            id={id("colour")}
            className="input input-mono colour-hex"
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
