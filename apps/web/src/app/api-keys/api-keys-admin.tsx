"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import { clsx } from "clsx";
import table from "@/components/table.module.css";
import ui from "@/components/ui.module.css";
import { useTRPC } from "@/trpc/react";
import { ApiKeyRow } from "./api-key-row";
import styles from "./api-keys.module.css";
import { NewApiKeyForm } from "./new-api-key-form";

export function ApiKeysAdmin() {
  const trpc = useTRPC();
  const { data: keys } = useSuspenseQuery(trpc.apiKeys.list.queryOptions());
  const live = keys.filter((key) => key.revokedAt === null).length;

  return (
    <>
      <NewApiKeyForm />

      <section aria-labelledby="api-keys-title">
        <div className={styles.sectionHeadingRow}>
          <h2 id="api-keys-title" className={ui.sectionTitle}>
            All keys
          </h2>
          <p className={clsx(ui.muted, ui.small)} aria-live="polite">
            {live} in use{keys.length > live ? `, ${keys.length - live} revoked` : ""}, newest first
          </p>
        </div>

        {keys.length === 0 ? (
          <div className={clsx(ui.panel, ui.state)} data-testid="api-keys-empty">
            <h2>No API keys yet</h2>
            <p className={ui.muted}>
              A service that calls the api on its own (a script, a job, another backend) needs a
              key. Make one with the form above.
            </p>
          </div>
        ) : (
          <div className={clsx(ui.card, styles.tableCard)}>
            <table className={clsx(table.table, styles.keyTable)} aria-labelledby="api-keys-title">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" className={styles.colRole}>
                    Role
                  </th>
                  <th scope="col" className={styles.colCreated}>
                    Created
                  </th>
                  <th scope="col" className={styles.colLastUsed}>
                    Last used
                  </th>
                  <th scope="col" className={styles.colActions}>
                    <span className={ui.visuallyHidden}>Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((key) => (
                  <ApiKeyRow key={key.id} apiKey={key} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
