"use client";

import { useMutation } from "@tanstack/react-query";
import { clsx } from "clsx";
import { useState } from "react";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";
import { apiMessage } from "@/lib/api-errors";
import { useTRPC } from "@/trpc/react";
import styles from "./editor.module.css";
import { usePostsChanged } from "./use-posts-changed";

/** posts.delete behind a second click: a deleted post cannot be brought back. */
export function DeletePost({ id, disabled }: { id: number; disabled: boolean }) {
  const trpc = useTRPC();
  const { backToList, leaving } = usePostsChanged();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation(trpc.posts.delete.mutationOptions({ onSuccess: backToList }));
  const busy = remove.isPending || leaving;

  if (!confirming) {
    return (
      <button
        type="button"
        className={clsx(ui.button, ui.buttonDangerQuiet, styles.pushEnd)}
        onClick={() => setConfirming(true)}
        disabled={disabled}
      >
        Delete post
      </button>
    );
  }

  return (
    <fieldset className={clsx(forms.confirm, styles.pushEnd)}>
      <legend className={ui.small}>Delete this post for good?</legend>
      <button
        type="button"
        className={clsx(ui.button, ui.buttonDanger)}
        onClick={() => remove.mutate({ id })}
        disabled={busy || disabled}
      >
        {busy ? "Deleting…" : "Yes, delete"}
      </button>
      <button
        type="button"
        className={clsx(ui.button, ui.buttonSecondary)}
        onClick={() => {
          remove.reset();
          setConfirming(false);
        }}
        disabled={busy}
      >
        Keep it
      </button>
      {remove.error ? (
        <p className={ui.inlineError} role="alert">
          {apiMessage(remove.error) ?? "Could not reach the api. Try again in a moment."}
        </p>
      ) : null}
    </fieldset>
  );
}
