"use client";

import { clsx } from "clsx";
import { useState } from "react";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";
import styles from "./api-keys.module.css";

/**
 * The key just made, in the only answer that carries it: Brisk keeps its SHA-256 alone, so
 * once this is dismissed (or the page left) nobody can show it again.
 */
export function NewKeyShown({
  name,
  token,
  onDone,
}: {
  name: string;
  token: string;
  onDone: () => void;
}) {
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");

  async function copyKey() {
    try {
      await navigator.clipboard.writeText(token);
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  }

  return (
    <section
      className={clsx(ui.card, styles.keyShown)}
      aria-labelledby="key-shown-title"
      data-testid="api-key-shown"
    >
      <h2 id="key-shown-title" className={ui.sectionTitle}>
        Key for {name} created
      </h2>
      <p className={styles.keyShownHint}>
        Copy it now: it is shown only this once. Brisk keeps only a hash of it, so a lost key cannot
        be shown again; revoke it and make another.
      </p>
      <div className={styles.keyBox}>
        <input
          className={clsx(forms.input, forms.inputMono, styles.keyValue)}
          value={token}
          readOnly
          aria-label="The new API key"
          onFocus={(event) => event.target.select()}
          data-testid="api-key-value"
        />
        <button type="button" className={ui.button} onClick={() => void copyKey()}>
          Copy
        </button>
      </div>
      <div className={styles.keyShownFoot}>
        <p className={clsx(ui.small, copy === "failed" ? ui.inlineError : ui.muted)} role="status">
          {copy === "copied"
            ? "Copied to the clipboard."
            : copy === "failed"
              ? "Could not copy: select the key and copy it yourself."
              : "Keep it where the service keeps its other secrets."}
        </p>
        <button
          type="button"
          className={clsx(ui.button, ui.buttonSecondary, ui.buttonSmall)}
          onClick={onDone}
        >
          Done
        </button>
      </div>
    </section>
  );
}
