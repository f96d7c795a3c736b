"use client";

import { clsx } from "clsx";
import { type ReactNode, useEffect } from "react";
import ui from "./ui.module.css";

/**
 * What an error boundary shows: a message and a reference, never a stack. In production Next
 * replaces the message of an error thrown by a server component with a fixed text (React
 * error 441), keeping only its digest, which also appears in the server log next to the
 * real error. That text means nothing to a reader, so it is replaced by a plain sentence.
 */
export function describeError(error: unknown): { message: string; reference: string | null } {
  const reference =
    error instanceof Error && "digest" in error && typeof error.digest === "string"
      ? error.digest
      : null;
  const raw = error instanceof Error ? error.message : typeof error === "string" ? error : "";
  const redacted =
    reference !== null &&
    (/Minified React error #441\b/.test(raw) || raw.includes("Server Components render"));
  const message = redacted || !raw ? "The server could not load this page." : raw;
  return { message, reference };
}

export function ErrorPanel({
  title,
  error,
  onRetry,
  heading: Heading = "h1",
  children,
}: {
  title: string;
  error: unknown;
  onRetry: () => void;
  /** h2 when the panel stands for one part of a page rather than the whole page. */
  heading?: "h1" | "h2";
  children?: ReactNode;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  const { message, reference } = describeError(error);
  return (
    <section className={clsx(ui.panel, ui.state, ui.stateError)} role="alert">
      <Heading>{title}</Heading>
      <p className={ui.errorMessage}>{message}</p>
      {reference ? <p className={clsx(ui.muted, ui.small)}>Reference: {reference}</p> : null}
      <div className={ui.actions}>
        <button type="button" className={ui.button} onClick={onRetry}>
          Try again
        </button>
        {children}
      </div>
    </section>
  );
}
