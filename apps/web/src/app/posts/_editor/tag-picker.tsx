import type { RouterOutputs } from "@brisk/api-contract";
import { describedBy, FieldError } from "@/components/field-error";
import { tagColour } from "@/features/posts/tag-chip";

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
    <fieldset className="field" disabled={disabled} {...describedBy("tags-error", errors)}>
      <legend className="field-label">
        Tags{" "}
        <span className="muted small" aria-live="polite">
          {chosen.length} of {MAX_TAGS} chosen
        </span>
      </legend>
      <div className="tag-options">
        {tags.map((tag) => {
          const checked = chosen.includes(tag.id);
          return (
            <label
              key={tag.id}
              className="tag-chip tag-option tag-check"
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
              <span className="tag-dot" aria-hidden="true" />
              {tag.name}
            </label>
          );
        })}
      </div>
      <FieldError id="tags-error" messages={errors} />
    </fieldset>
  );
}
