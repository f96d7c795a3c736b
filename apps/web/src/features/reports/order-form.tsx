"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { clsx } from "clsx";
import { type FormEvent, useState } from "react";
import forms from "@/components/form.module.css";
import ui from "@/components/ui.module.css";
import type { Viewer } from "@/features/account/viewer";
import { apiMessage, fieldErrorsOf } from "@/lib/api-errors";
import { useTRPC } from "@/trpc/react";
import styles from "./reports.module.css";

type Scope = "own" | "author" | "workspace" | "bulk";

const SCOPES: { value: Scope; label: string }[] = [
  { value: "own", label: "My posts" },
  { value: "author", label: "An author" },
  { value: "workspace", label: "Workspace" },
  { value: "bulk", label: "Every author" },
];

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * reports.order: a member orders a report on their own posts; an admin also one for any
 * author, the workspace's totals, or a bulk run with a section per author. The api checks
 * the range (at most 366 days) and says what is wrong.
 */
export function OrderReportForm({
  viewer,
  authors,
}: {
  viewer: Viewer;
  /** Whom an admin may choose (empty for a member). */
  authors: { id: number; name: string }[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const admin = viewer.role === "admin";
  const [scope, setScope] = useState<Scope>("own");
  const [authorId, setAuthorId] = useState(authors[0]?.id ?? viewer.id);
  const [to, setTo] = useState(() => isoDay(Date.now()));
  const [from, setFrom] = useState(() => isoDay(Date.now() - 29 * 86_400_000));
  const order = useMutation(
    trpc.reports.order.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.reports.list.queryKey() }),
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (order.isPending) return;
    order.mutate(
      scope === "own"
        ? { scope: "author", authorId: viewer.id, from, to }
        : scope === "author"
          ? { scope: "author", authorId, from, to }
          : { scope, from, to },
    );
  }

  return (
    <form
      className={clsx(ui.card, styles.orderForm)}
      onSubmit={submit}
      noValidate
      aria-busy={order.isPending}
      aria-labelledby="order-report-title"
      data-testid="order-report"
    >
      <h2 id="order-report-title" className={ui.sectionTitle}>
        Order a report
      </h2>
      {admin && (
        <fieldset className={styles.scopeField}>
          <legend className={forms.fieldLabel}>Covering</legend>
          <div className={forms.segmented}>
            {SCOPES.map((option) => (
              <label
                key={option.value}
                className={forms.segment}
                data-checked={scope === option.value ? "" : undefined}
              >
                <input
                  type="radio"
                  name="scope"
                  value={option.value}
                  checked={scope === option.value}
                  onChange={() => setScope(option.value)}
                />
                {option.label}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <div className={styles.orderFields}>
        {scope === "author" && (
          <label className={forms.field}>
            <span className={forms.fieldLabel}>Author</span>
            <select
              className={forms.input}
              value={authorId}
              onChange={(event) => setAuthorId(Number(event.target.value))}
            >
              {authors.map((author) => (
                <option key={author.id} value={author.id}>
                  {author.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className={forms.field}>
          <span className={forms.fieldLabel}>From</span>
          <input
            className={forms.input}
            type="date"
            name="from"
            value={from}
            onChange={(event) => setFrom(event.target.value)}
            required
          />
        </label>
        <label className={forms.field}>
          <span className={forms.fieldLabel}>To</span>
          <input
            className={forms.input}
            type="date"
            name="to"
            value={to}
            onChange={(event) => setTo(event.target.value)}
            required
          />
        </label>
        <button className={ui.button} type="submit" disabled={order.isPending}>
          {order.isPending ? "Ordering…" : "Order report"}
        </button>
      </div>
      {order.error && (
        <p className={ui.formError} role="alert">
          {errorText(order.error)}
        </p>
      )}
      {order.data && !order.error && (
        <p className={clsx(ui.small, ui.muted)} role="status">
          Report {order.data.id} ordered: it runs below.
        </p>
      )}
    </form>
  );
}

/** The range's own message when the api refused it, else the api's, else why there is none. */
function errorText(error: unknown) {
  const fields = fieldErrorsOf(error);
  return (
    fields.from?.[0] ??
    fields.to?.[0] ??
    fields.authorId?.[0] ??
    apiMessage(error) ??
    "Could not reach the api. Try again."
  );
}
