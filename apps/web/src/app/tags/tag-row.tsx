"use client";

import type { RouterOutputs } from "@brisk/api-contract";
import { useMutation } from "@tanstack/react-query";
import { clsx } from "clsx";
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";
import { tagColour } from "@/features/posts/tag-chip";
import chip from "@/features/posts/tag-chip.module.css";
import { TAG_FIELDS, tagFieldErrors, tagFormMessage } from "@/features/tags/errors";
import { useTagsChanged } from "@/features/tags/use-tags-changed";
import { useTRPC } from "@/trpc/react";
import { type TagDraft, TagFields } from "./tag-fields";
import styles from "./tags-admin.module.css";

export type Tag = RouterOutputs["tags"]["list"][number];

/** One tag: shown, edited in place, or asking to confirm its deletion (admins only). */
export function TagRow({ tag, editable }: { tag: Tag; editable: boolean }) {
  const [mode, setMode] = useState<"show" | "edit" | "confirm">("show");
  const editButton = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);

  // Back from editing, the keyboard continues where it left: on this row's Edit button.
  useEffect(() => {
    if (mode === "show" && refocus.current) {
      refocus.current = false;
      editButton.current?.focus();
    }
  }, [mode]);

  if (mode === "edit") {
    return (
      <EditTagRow
        tag={tag}
        onClose={() => {
          refocus.current = true;
          setMode("show");
        }}
      />
    );
  }

  return (
    <tr data-testid="tag-row">
      <td>
        <span
          className={clsx(chip.tagChip, styles.nameChip)}
          style={tagColour(tag.colour)}
          data-testid="tag-name"
        >
          <span className={chip.tagDot} aria-hidden="true" />
          {tag.name}
        </span>
      </td>
      <td>
        <code data-testid="tag-slug">{tag.slug}</code>
      </td>
      <td>
        <span className={styles.tagHex} style={tagColour(tag.colour)}>
          <span className={styles.tagSwatch} aria-hidden="true" />
          {tag.colour}
        </span>
      </td>
      {editable ? (
        <td className={styles.tagActions}>
          {mode === "confirm" ? (
            <DeleteTag tag={tag} onCancel={() => setMode("show")} />
          ) : (
            <div className={styles.rowActions}>
              <button
                ref={editButton}
                type="button"
                className={clsx(ui.button, ui.buttonSecondary, ui.buttonSmall)}
                onClick={() => setMode("edit")}
              >
                Edit
              </button>
              <button
                type="button"
                className={clsx(ui.button, ui.buttonDangerQuiet, ui.buttonSmall)}
                onClick={() => setMode("confirm")}
              >
                Delete
              </button>
            </div>
          )}
        </td>
      ) : null}
    </tr>
  );
}

/** tags.update with only the fields that changed; the slug is never re-suggested here. */
function EditTagRow({ tag, onClose }: { tag: Tag; onClose: () => void }) {
  const trpc = useTRPC();
  const tagsChanged = useTagsChanged();
  const form = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState<TagDraft>({
    name: tag.name,
    slug: tag.slug,
    colour: tag.colour,
  });

  // Pending until the list shows the change, so the row never flashes the old values.
  const update = useMutation(
    trpc.tags.update.mutationOptions({ onSuccess: () => tagsChanged({ chips: true }) }),
  );
  const busy = update.isPending;
  const errors = tagFieldErrors(update.error);
  const message = tagFormMessage(update.error, errors);

  useEffect(() => {
    form.current?.querySelector("input")?.focus();
  }, []);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const changes: Partial<TagDraft> = {};
    for (const field of TAG_FIELDS) if (draft[field] !== tag[field]) changes[field] = draft[field];
    if (Object.keys(changes).length === 0) onClose();
    else update.mutate({ id: tag.id, ...changes }, { onSuccess: onClose });
  }

  function cancelOnEscape(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key === "Escape" && !busy) onClose();
  }

  return (
    <tr data-testid="tag-row" className={styles.tagRowEditing}>
      <td colSpan={4}>
        <form
          ref={form}
          className={styles.tagEdit}
          onSubmit={submit}
          onKeyDown={cancelOnEscape}
          noValidate
          aria-busy={busy}
          aria-label={`Edit tag ${tag.name}`}
          data-testid="tag-edit-form"
        >
          <TagFields
            idPrefix={`tag-${tag.id}`}
            draft={draft}
            onChange={(patch) => setDraft((current) => ({ ...current, ...patch }))}
            errors={errors}
            busy={busy}
            pickerFallback={tag.colour}
            slugHint="Links to posts filtered by the old slug stop working."
          />
          {message ? (
            <p className={clsx(ui.errorMessage, ui.formError)} role="alert">
              {message}
            </p>
          ) : null}
          <div className={styles.rowActions}>
            <button type="submit" className={clsx(ui.button, ui.buttonSmall)} disabled={busy}>
              {busy ? "Saving…" : "Save"}
            </button>
            <button
              type="button"
              className={clsx(ui.button, ui.buttonSecondary, ui.buttonSmall)}
              onClick={onClose}
              disabled={busy}
            >
              Cancel
            </button>
          </div>
        </form>
      </td>
    </tr>
  );
}

/** tags.delete behind a second click: the tag comes off every post, for good. */
function DeleteTag({ tag, onCancel }: { tag: Tag; onCancel: () => void }) {
  const trpc = useTRPC();
  const tagsChanged = useTagsChanged();
  const remove = useMutation(
    trpc.tags.delete.mutationOptions({ onSuccess: () => tagsChanged({ chips: true }) }),
  );
  const busy = remove.isPending;

  return (
    <fieldset className={clsx(forms.confirm, styles.tagConfirm)} data-testid="tag-delete-confirm">
      <legend className={ui.small}>Delete {tag.name} and take it off every post?</legend>
      <button
        type="button"
        className={clsx(ui.button, ui.buttonDanger, ui.buttonSmall)}
        onClick={() => remove.mutate({ id: tag.id })}
        disabled={busy}
      >
        {busy ? "Deleting…" : "Yes, delete"}
      </button>
      <button
        type="button"
        className={clsx(ui.button, ui.buttonSecondary, ui.buttonSmall)}
        onClick={() => {
          remove.reset();
          onCancel();
        }}
        disabled={busy}
      >
        Keep it
      </button>
      {remove.error ? (
        <p className={clsx(ui.inlineError, styles.confirmError)} role="alert">
          {tagFormMessage(remove.error, {})}
        </p>
      ) : null}
    </fieldset>
  );
}
