"use client";

import type { RouterOutputs } from "@brisk/api-contract";
import { useMutation } from "@tanstack/react-query";
import { clsx } from "clsx";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { describedBy, FieldError } from "@/components/field-error";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";
import type { Cover } from "@/features/posts/cover";
import type { PostStatus } from "@/features/posts/filter";
import { apiMessage, type FieldErrors, fieldErrorsOf } from "@/lib/api-errors";
import { useTRPC } from "@/trpc/react";
import { CoverSection } from "./cover-section";
import { DeletePost } from "./delete-post";
import styles from "./editor.module.css";
import { TagPicker } from "./tag-picker";
import { usePostsChanged } from "./use-posts-changed";

type Tag = RouterOutputs["tags"]["list"][number];
export interface AuthorOption {
  id: number;
  name: string;
}
export interface EditablePost {
  id: number;
  title: string;
  body: string;
  status: PostStatus;
  tagIds: number[];
  cover: Cover | null;
}

type Props = {
  tags: Tag[];
  /** The api's upload limit (MEDIA_MAX_BYTES), for the cover's check before it is sent. */
  maxCoverBytes: number;
} & (
  | {
      mode: "create";
      /** Whom an admin may pick as the author; null for a member, whose post is theirs. */
      authors: AuthorOption[] | null;
      /** Who is writing: the author unless an admin picks another. */
      self: number;
    }
  | { mode: "edit"; post: EditablePost }
);

interface Draft {
  authorId: string;
  title: string;
  body: string;
  status: PostStatus;
  tagIds: number[];
  coverMediaId: number | null;
}

const FIELDS = ["authorId", "title", "body", "status", "tagIds", "coverMediaId"] as const;

function initialDraft(props: Props): Draft {
  if (props.mode === "edit") {
    const { title, body, status, tagIds, cover } = props.post;
    return { authorId: "", title, body, status, tagIds, coverMediaId: cover?.id ?? null };
  }
  return {
    authorId: String(props.self),
    title: "",
    body: "",
    status: "draft",
    tagIds: [],
    coverMediaId: null,
  };
}

/** What to say above the buttons: field errors speak for themselves next to their fields. */
function generalMessage(error: unknown, errors: FieldErrors): string | null {
  if (!error) return null;
  if (FIELDS.some((field) => errors[field]?.length)) {
    return "Nothing was saved. Check the fields marked above.";
  }
  return apiMessage(error) ?? "Could not reach the api. Your text is still here; try again.";
}

/**
 * The editor for posts.create and posts.update. Fields are controlled and never reset by a
 * failed save (no React form action, which would clear the form after it ran).
 */
export function PostForm(props: Props) {
  const trpc = useTRPC();
  const { invalidateLists, backToList, leaving } = usePostsChanged();
  const [draft, setDraft] = useState(() => initialDraft(props));
  const [saved, setSaved] = useState(false);
  // The cover as last read or saved: a save answers with its thumbnails' current status.
  const [savedCover, setSavedCover] = useState(props.mode === "edit" ? props.post.cover : null);

  const create = useMutation(trpc.posts.create.mutationOptions({ onSuccess: backToList }));
  const update = useMutation(
    trpc.posts.update.mutationOptions({
      onSuccess: (post) => {
        invalidateLists();
        setSavedCover(post.cover);
        setSaved(true);
      },
    }),
  );
  const mutation = props.mode === "create" ? create : update;
  const busy = mutation.isPending || leaving;
  const errors = fieldErrorsOf(mutation.error);
  const general = generalMessage(mutation.error, errors);

  function edit(patch: Partial<Draft>) {
    setDraft((current) => ({ ...current, ...patch }));
    setSaved(false);
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const { authorId, ...fields } = draft;
    if (props.mode === "create") {
      // A member names no author: the api makes it the caller, and refuses anyone else.
      create.mutate(props.authors ? { ...fields, authorId: Number(authorId) } : fields);
    } else update.mutate({ ...fields, id: props.post.id });
  }

  return (
    <form className={styles.editor} onSubmit={submit} noValidate aria-busy={busy}>
      {props.mode === "create" && props.authors ? (
        <div className={forms.field}>
          <label className={forms.fieldLabel} htmlFor="post-author">
            Author
          </label>
          <select
            id="post-author"
            className={clsx(forms.input, styles.authorSelect)}
            value={draft.authorId}
            onChange={(event) => edit({ authorId: event.target.value })}
            disabled={busy}
            {...describedBy("author-error", errors.authorId)}
          >
            {props.authors.map((author) => (
              <option key={author.id} value={author.id}>
                {author.name}
              </option>
            ))}
          </select>
          <p className={clsx(ui.muted, ui.small)}>
            As an admin you may write a post on someone else's behalf.
          </p>
          <FieldError id="author-error" messages={errors.authorId} />
        </div>
      ) : null}

      <div className={forms.field}>
        <label className={forms.fieldLabel} htmlFor="post-title">
          Title
        </label>
        <input
          id="post-title"
          className={clsx(forms.input, forms.inputTitle)}
          value={draft.title}
          onChange={(event) => edit({ title: event.target.value })}
          maxLength={200}
          autoComplete="off"
          readOnly={busy}
          {...describedBy("title-error", errors.title)}
        />
        <FieldError id="title-error" messages={errors.title} />
      </div>

      <div className={forms.field}>
        <label className={forms.fieldLabel} htmlFor="post-body">
          Body <span className={clsx(ui.muted, ui.small, forms.fieldHint)}>Markdown</span>
        </label>
        <textarea
          id="post-body"
          className={clsx(forms.input, forms.inputBody)}
          value={draft.body}
          onChange={(event) => edit({ body: event.target.value })}
          maxLength={100_000}
          rows={20}
          spellCheck
          readOnly={busy}
          {...describedBy("body-error", errors.body)}
        />
        <FieldError id="body-error" messages={errors.body} />
      </div>

      <fieldset
        className={forms.field}
        disabled={busy}
        {...describedBy("status-error", errors.status)}
      >
        <legend className={forms.fieldLabel}>Status</legend>
        <div className={forms.segmented}>
          {(["draft", "published"] as const).map((status) => (
            <label
              key={status}
              className={forms.segment}
              data-checked={draft.status === status || undefined}
            >
              <input
                type="radio"
                name="status"
                value={status}
                checked={draft.status === status}
                onChange={() => edit({ status })}
              />
              {status === "draft" ? "Draft" : "Published"}
            </label>
          ))}
        </div>
        <FieldError id="status-error" messages={errors.status} />
      </fieldset>

      <TagPicker
        tags={props.tags}
        chosen={draft.tagIds}
        onChange={(tagIds) => edit({ tagIds })}
        errors={errors.tagIds}
        disabled={busy}
      />

      <CoverSection
        saved={savedCover}
        value={draft.coverMediaId}
        onChange={(coverMediaId) => edit({ coverMediaId })}
        maxBytes={props.maxCoverBytes}
        disabled={busy}
        errors={errors.coverMediaId}
      />

      {general ? (
        <p className={clsx(ui.errorMessage, ui.formError)} role="alert">
          {general}
        </p>
      ) : null}

      <div className={styles.editorActions}>
        <button type="submit" className={ui.button} disabled={busy}>
          {busy ? "Saving…" : props.mode === "create" ? "Create post" : "Save changes"}
        </button>
        <Link href="/posts" className={clsx(ui.button, ui.buttonSecondary)}>
          {props.mode === "create" ? "Cancel" : "Back to posts"}
        </Link>
        {saved ? (
          <p className={forms.saved} role="status">
            Saved
          </p>
        ) : null}
        {props.mode === "edit" ? <DeletePost id={props.post.id} disabled={busy} /> : null}
      </div>
    </form>
  );
}
