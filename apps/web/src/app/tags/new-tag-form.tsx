"use client";

import { useMutation } from "@tanstack/react-query";
import { clsx } from "clsx";
import { type FormEvent, useState } from "react";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";
import { tagColour } from "@/features/posts/tag-chip";
import chip from "@/features/posts/tag-chip.module.css";
import { DEFAULT_TAG_COLOUR, pickerValue } from "@/features/tags/colour";
import { tagFieldErrors, tagFormMessage } from "@/features/tags/errors";
import { suggestSlug } from "@/features/tags/slug";
import { useTagsChanged } from "@/features/tags/use-tags-changed";
import { useTRPC } from "@/trpc/react";
import styles from "./new-tag-form.module.css";
import { type TagDraft, TagFields } from "./tag-fields";

const emptyDraft = (): TagDraft => ({ name: "", slug: "", colour: DEFAULT_TAG_COLOUR });

/**
 * tags.create. The slug follows the name until it is edited by hand (or emptied again).
 * Fields are controlled and only cleared once the tag exists, never by a failed save.
 */
export function NewTagForm() {
  const trpc = useTRPC();
  const tagsChanged = useTagsChanged();
  const [draft, setDraft] = useState(emptyDraft);
  const [slugEdited, setSlugEdited] = useState(false);
  const [added, setAdded] = useState<string | null>(null);

  // Pending until the list shows the new tag, so the form is not cleared before that.
  const create = useMutation(
    trpc.tags.create.mutationOptions({ onSuccess: () => tagsChanged({ chips: false }) }),
  );
  const busy = create.isPending;
  const errors = tagFieldErrors(create.error);
  const message = tagFormMessage(create.error, errors);

  function edit(patch: Partial<TagDraft>) {
    if (patch.slug !== undefined) setSlugEdited(patch.slug !== "");
    const follow = patch.name !== undefined && !slugEdited;
    setDraft((current) => {
      const next = { ...current, ...patch };
      return follow ? { ...next, slug: suggestSlug(next.name) } : next;
    });
    setAdded(null);
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    create.mutate(draft, {
      onSuccess: (tag) => {
        setDraft(emptyDraft());
        setSlugEdited(false);
        setAdded(tag.name);
      },
    });
  }

  return (
    <form
      className={clsx(ui.card, styles.tagForm)}
      onSubmit={submit}
      noValidate
      aria-busy={busy}
      aria-labelledby="new-tag-title"
      data-testid="tag-form"
    >
      <div className={styles.tagFormHead}>
        <h2 id="new-tag-title" className={ui.sectionTitle}>
          New tag
        </h2>
        <span
          className={chip.tagChip}
          style={tagColour(pickerValue(draft.colour, DEFAULT_TAG_COLOUR))}
          aria-hidden="true"
          data-testid="tag-preview"
        >
          <span className={chip.tagDot} />
          {draft.name.trim() || "Preview"}
        </span>
      </div>

      <TagFields
        idPrefix="new-tag"
        draft={draft}
        onChange={edit}
        errors={errors}
        busy={busy}
        pickerFallback={DEFAULT_TAG_COLOUR}
        slugHint={slugEdited ? "Set by hand." : "Suggested from the name until you edit it."}
      />

      {message ? (
        <p className={clsx(ui.errorMessage, ui.formError)} role="alert">
          {message}
        </p>
      ) : null}

      <div className={styles.tagFormActions}>
        <button type="submit" className={ui.button} disabled={busy}>
          {busy ? "Adding…" : "Add tag"}
        </button>
        {added ? (
          <p className={forms.saved} role="status">
            Added {added}
          </p>
        ) : null}
      </div>
    </form>
  );
}
