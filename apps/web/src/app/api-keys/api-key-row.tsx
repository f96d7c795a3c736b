"use client";

import type { RouterOutputs } from "@brisk/api-contract";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { clsx } from "clsx";
import { useState } from "react";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";
import { RoleBadge } from "@/features/authors/role-badge";
import { apiMessage } from "@/lib/api-errors";
import { formatDate, formatDateTime, isoDate } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import styles from "./api-keys.module.css";

type ApiKey = RouterOutputs["apiKeys"]["list"][number];

/** One key: its name and the start of the key, who it acts as, when made and last used. */
export function ApiKeyRow({ apiKey }: { apiKey: ApiKey }) {
  const [confirming, setConfirming] = useState(false);
  const revoked = apiKey.revokedAt !== null;

  return (
    <tr data-testid="api-key-row" className={clsx(revoked && styles.revokedRow)}>
      <td>
        <span className={styles.keyName} data-testid="api-key-name">
          {apiKey.name}
        </span>
        <code className={styles.keyPrefix} title="The start of the key, to tell keys apart">
          {apiKey.prefix}…
        </code>
      </td>
      <td>
        <RoleBadge role={apiKey.role} />
      </td>
      <td>
        <time dateTime={isoDate(apiKey.createdAt)}>{formatDate(apiKey.createdAt)}</time>
      </td>
      <td data-testid="api-key-last-used">
        {apiKey.lastUsedAt ? (
          <time dateTime={isoDate(apiKey.lastUsedAt)}>{formatDateTime(apiKey.lastUsedAt)}</time>
        ) : (
          <span className={ui.muted}>Never</span>
        )}
      </td>
      <td className={styles.keyActions}>
        {apiKey.revokedAt !== null ? (
          <span className={clsx(ui.badge, ui.badgeError)} title={formatDateTime(apiKey.revokedAt)}>
            Revoked {formatDate(apiKey.revokedAt)}
          </span>
        ) : confirming ? (
          <RevokeKey apiKey={apiKey} onCancel={() => setConfirming(false)} />
        ) : (
          <button
            type="button"
            className={clsx(ui.button, ui.buttonDangerQuiet, ui.buttonSmall)}
            onClick={() => setConfirming(true)}
          >
            Revoke
          </button>
        )}
      </td>
    </tr>
  );
}

/** apiKeys.revoke behind a second click: a service using the key is refused from then on. */
function RevokeKey({ apiKey, onCancel }: { apiKey: ApiKey; onCancel: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Pending until the list shows the key revoked, so the row never flashes it as live.
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.apiKeys.list.pathFilter()),
    }),
  );
  const busy = revoke.isPending;

  return (
    <fieldset className={clsx(forms.confirm, styles.keyConfirm)} data-testid="api-key-revoke">
      <legend className={ui.small}>
        Revoke {apiKey.name}? Services using it are refused at once.
      </legend>
      <button
        type="button"
        className={clsx(ui.button, ui.buttonDanger, ui.buttonSmall)}
        onClick={() => revoke.mutate({ id: apiKey.id })}
        disabled={busy}
      >
        {busy ? "Revoking…" : "Yes, revoke"}
      </button>
      <button
        type="button"
        className={clsx(ui.button, ui.buttonSecondary, ui.buttonSmall)}
        onClick={() => {
          revoke.reset();
          onCancel();
        }}
        disabled={busy}
      >
        Keep it
      </button>
      {revoke.error ? (
        <p className={clsx(ui.inlineError, styles.confirmError)} role="alert">
          {apiMessage(revoke.error) ?? "Could not reach the api. Try again in a moment."}
        </p>
      ) : null}
    </fieldset>
  );
}
