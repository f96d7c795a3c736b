"use client";

import { clsx } from "clsx";
import { type ChangeEvent, useEffect, useState } from "react";
import { FieldError } from "@/components/field-error";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";
import { JobProgressBar } from "@/features/jobs/progress-bar";
import { useJobProgress } from "@/features/jobs/use-job-progress";
import { type Cover, CoverImage, CoverPlaceholder, isReady } from "@/features/posts/cover";
import { COVER_TYPES, uploadCover } from "@/features/posts/upload-cover";
import styles from "./editor.module.css";

interface Props {
  /** The cover as the post was last read or saved, with its thumbnails' status. */
  saved: Cover | null;
  /** The cover the form will save: an upload's id, or null for none. */
  value: number | null;
  onChange: (coverMediaId: number | null) => void;
  /** The api's upload limit (MEDIA_MAX_BYTES), checked here before a byte is sent. */
  maxBytes: number;
  disabled: boolean;
  /** The api's messages about coverMediaId when a save failed. */
  errors: string[] | undefined;
}

/** An upload of this visit: its id, and the chosen file shown from memory until saved. */
interface Fresh {
  id: number;
  preview: string;
}

const megabytes = (bytes: number) => Math.floor(bytes / (1024 * 1024));

/**
 * The thumbnail job of a fresh upload, live from `jobs.progress` (server-sent events, no
 * polling): its steps as they finish, then whether the thumbnails are ready. From event 0 of
 * its subject, so a job that finished before the stream opened is still seen.
 */
function ThumbnailProgress({ mediaId }: { mediaId: number }) {
  const { latest } = useJobProgress({ subject: `media:${mediaId}`, from: "0" });
  const event = [...latest.values()].at(-1);
  const words =
    event?.kind === "completed"
      ? "Uploaded. Thumbnails ready: save to show them on the post."
      : event?.kind === "failed"
        ? "Uploaded, but its thumbnails could not be made: upload it again."
        : "Uploaded. Making thumbnails…";
  return (
    <div role="status" data-testid="cover-status">
      <p className={clsx(ui.muted, ui.small)}>{words}</p>
      {event && event.kind !== "completed" && event.kind !== "failed" ? (
        <JobProgressBar done={event.done} total={event.total} label={event.label} />
      ) : null}
    </div>
  );
}

/**
 * The post's cover: upload an image (sent at once to `/media`, the form keeps its id until
 * saved), replace it or remove it. Thumbnails are made by a background job after the upload,
 * so a fresh upload shows the chosen file and says so; a saved cover shows its 640 px
 * thumbnail once the job is done.
 */
export function CoverSection({ saved, value, onChange, maxBytes, disabled, errors }: Props) {
  const [fresh, setFresh] = useState<Fresh | null>(null);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);

  // The chosen file's preview lives in memory until another replaces it or the editor closes.
  useEffect(() => () => (fresh ? URL.revokeObjectURL(fresh.preview) : undefined), [fresh]);

  async function choose(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    // Cleared, so choosing the same file again after an error is a change.
    event.target.value = "";
    if (!file) return;
    setUploadError(null);
    setUploading(true);
    const outcome = await uploadCover(file, maxBytes);
    setUploading(false);
    if (!outcome.ok) {
      setUploadError(outcome.message);
      return;
    }
    setFresh({ id: outcome.id, preview: URL.createObjectURL(file) });
    onChange(outcome.id);
  }

  function remove() {
    setUploadError(null);
    onChange(null);
  }

  const messages = uploadError ? [uploadError] : errors;
  const invalid = Boolean(messages?.length);

  return (
    <fieldset
      className={clsx(forms.field, styles.coverSection)}
      disabled={disabled}
      aria-busy={uploading}
      data-testid="cover-section"
    >
      <legend className={forms.fieldLabel}>Cover image</legend>
      {value !== null ? (
        <div className={styles.coverPreview}>
          <Preview saved={saved} fresh={fresh} value={value} />
        </div>
      ) : null}
      <div className={styles.coverActions}>
        <label className={clsx(ui.button, ui.buttonSecondary, styles.coverPick)}>
          {uploading ? "Uploading…" : value === null ? "Upload an image" : "Replace image"}
          <input
            type="file"
            accept={COVER_TYPES}
            className={ui.visuallyHidden}
            onChange={choose}
            disabled={disabled || uploading}
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? "cover-error" : "cover-hint"}
          />
        </label>
        {value !== null ? (
          <button
            type="button"
            className={clsx(ui.button, ui.buttonSecondary)}
            onClick={remove}
            disabled={disabled || uploading}
          >
            Remove cover
          </button>
        ) : null}
      </div>
      <p id="cover-hint" className={clsx(ui.muted, ui.small)}>
        JPEG, PNG, WebP or GIF, up to {megabytes(maxBytes)} MB. Thumbnails are made after the
        upload; the post shows them once they are ready.
      </p>
      <FieldError id="cover-error" messages={messages} />
    </fieldset>
  );
}

function Preview({
  saved,
  fresh,
  value,
}: {
  saved: Cover | null;
  fresh: Fresh | null;
  value: number;
}) {
  // Once a save answers that its thumbnails are ready, they replace the file from memory.
  if (fresh?.id === value && !(saved?.id === value && isReady(saved))) {
    return (
      <>
        {/* biome-ignore lint/performance/noImgElement: the chosen file itself, from memory */}
        <img className={styles.coverLocal} src={fresh.preview} alt="The chosen cover" />
        <ThumbnailProgress mediaId={fresh.id} />
      </>
    );
  }
  if (saved?.id === value) {
    return isReady(saved) ? (
      <CoverImage
        cover={saved}
        preferred={640}
        sizes="(max-width: 820px) 100vw, 400px"
        alt="The current cover"
      />
    ) : (
      <CoverPlaceholder cover={saved} />
    );
  }
  return null;
}
