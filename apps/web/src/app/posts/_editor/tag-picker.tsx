import type { RouterOutputs } from "@brisk/api-contract";
import { clsx } from "clsx";
import { describedBy, FieldError } from "@/components/field-error";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";
import { tagColour } from "@/features/posts/tag-chip";
import chip from "@/features/posts/tag-chip.module.css";

type Tag = RouterOutputs["tags"]["list"][number];

/** posts.create and posts.update refuse more than this many tags. */
const MAX_TAGS = 10;

export function TagPicker({
  tags,
  chosen,
  onChange,
  errors,
  disabled,
}: {
  tags: Tag[];
  chosen: number[];
  onChange: (tagIds: number[]) => void;
  errors: string[] | undefined;
  disabled: boolean;
}) {
  const full = chosen.length >= MAX_TAGS;
  return (
    <fieldset className={forms.field} disabled={disabled} {...describedBy("tags-error", errors)}>
      <legend className={forms.fieldLabel}>
        Tags{" "}
        <span className={clsx(ui.muted, ui.small, forms.fieldHint)} aria-live="polite">
          {chosen.length} of {MAX_TAGS} chosen
        </span>
      </legend>
      <div className={chip.tagOptions}>
        {tags.map((tag) => {
          const checked = chosen.includes(tag.id);
          return (
            <label
              key={tag.id}
              className={clsx(chip.tagChip, chip.tagOption, chip.tagCheck)}
              style={tagColour(tag.colour)}
              data-checked={checked || undefined}
            >
              <input
                type="checkbox"
                checked={checked}
                // Past the limit only unticking is possible, rather than a refusal on save.
                disabled={!checked && full}
                onChange={() =>
                  onChange(checked ? chosen.filter((id) => id !== tag.id) : [...chosen, tag.id])
                }
              />
              <span className={chip.tagDot} aria-hidden="true" />
              {tag.name}
            </label>
          );
        })}
      </div>
      <FieldError id="tags-error" messages={errors} />
    </fieldset>
  );
}
