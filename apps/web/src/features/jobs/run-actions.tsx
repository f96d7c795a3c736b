"use client";

import { clsx } from "clsx";
import { useActionState } from "react";
import ui from "@/components/ui.module.css";
import { cancelRun, retryRun } from "./actions";

/** Retry on a failed run, Cancel (after a confirmation) on a queued or running one. */
export function RunActions({ id, status }: { id: string; status: string }) {
  const [retryError, retry, retrying] = useActionState(retryRun, null);
  const [cancelError, cancel, cancelling] = useActionState(cancelRun, null);
  const error = retryError ?? cancelError;
  if (status !== "failed" && status !== "queued" && status !== "running") return null;
  return (
    <div className={ui.actions}>
      {status === "failed" ? (
        <form action={retry}>
          <input type="hidden" name="id" value={id} />
          <button type="submit" className={ui.button} disabled={retrying}>
            {retrying ? "Retrying…" : "Retry"}
          </button>
        </form>
      ) : (
        <form
          action={cancel}
          onSubmit={(event) => {
            if (!window.confirm("Cancel this run? Steps not yet run will not run.")) {
              event.preventDefault();
            }
          }}
        >
          <input type="hidden" name="id" value={id} />
          <button type="submit" className={clsx(ui.button, ui.buttonDanger)} disabled={cancelling}>
            {cancelling ? "Cancelling…" : "Cancel run"}
          </button>
        </form>
      )}
      {error ? (
        <p className={ui.inlineError} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
