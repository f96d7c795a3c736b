"use client";

import type { RouterOutputs } from "@brisk/api-contract";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { clsx } from "clsx";
import { useRef, useState } from "react";
import ui from "@/components/ui.module.css";
import { JobProgressBar } from "@/features/jobs/progress-bar";
import { useJobProgress } from "@/features/jobs/use-job-progress";
import { useTRPC } from "@/trpc/react";
import { REPORTS_LIST_INPUT } from "./queries";
import { ReportCharts } from "./report-charts";
import styles from "./reports.module.css";
import { useWidth } from "./use-width";

type Report = RouterOutputs["reports"]["list"]["reports"][number];

const SCOPE_TEXT = { author: "Author", workspace: "Workspace", bulk: "Every author" } as const;

/** The viewer's reports (an admin's: everyone's), newest first, running ones live. */
export function ReportList() {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.reports.list.queryOptions(REPORTS_LIST_INPUT));
  const reports = data?.reports ?? [];
  if (reports.length === 0) {
    return (
      <p className={clsx(ui.panelMuted, ui.muted)} data-testid="reports-empty">
        No reports yet. Order one above: it runs in the background, and its PDF appears here.
      </p>
    );
  }
  return (
    <ul className={styles.list} data-testid="report-list">
      {reports.map((report) => (
        <ReportItem key={report.id} report={report} />
      ))}
    </ul>
  );
}

function ReportItem({ report }: { report: Report }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLLIElement>(null);
  const width = useWidth(ref);
  const running = report.status === "queued" || report.status === "running";
  // A report seen running keeps its bar once done: it fills to 100 % beside the download.
  const [watched] = useState(running);
  const who =
    report.scope === "author" ? (report.authorName ?? `author ${report.authorId}`) : "everyone";
  return (
    <li
      ref={ref}
      className={clsx(ui.card, styles.item)}
      data-testid="report"
      data-report-id={report.id}
      data-status={report.status}
    >
      <div className={styles.itemHead}>
        <div className={styles.itemTitle}>
          <strong>
            {SCOPE_TEXT[report.scope]}: {who}
          </strong>
          <span className={clsx(ui.small, ui.muted)}>
            {report.fromDate} to {report.toDate} · #{report.id}
          </span>
        </div>
        <span
          className={clsx(
            ui.badge,
            report.status === "done" && ui.badgePublished,
            report.status === "failed" && ui.badgeError,
          )}
          data-testid="report-status"
        >
          {report.status === "done" ? "ready" : report.status}
        </span>
      </div>
      {(running || watched) && <LiveProgress subject={report.progressSubject} />}
      {report.status === "failed" && (
        <p className={ui.inlineError}>{report.error ?? "The report failed."}</p>
      )}
      {report.status === "done" && (
        <div className={styles.itemActions}>
          {report.pdfUrl && (
            <a className={clsx(ui.button, ui.buttonSmall)} href={report.pdfUrl} download>
              Download PDF
            </a>
          )}
          {report.result && (
            <button
              type="button"
              className={clsx(ui.button, ui.buttonSecondary, ui.buttonSmall)}
              aria-expanded={open}
              onClick={() => setOpen(!open)}
            >
              {open ? "Hide preview" : "Preview"}
            </button>
          )}
          {report.result && report.result.lost.length > 0 && (
            <span className={clsx(ui.small, styles.lostNote)}>
              {report.result.lost.length} provider{report.result.lost.length > 1 ? "s" : ""} lost
            </span>
          )}
        </div>
      )}
      {open && report.result && <ReportCharts result={report.result} width={width - 40} />}
    </li>
  );
}

/**
 * A running report's bar, from `jobs.progress` by its subject (no polling). When its run
 * completes or fails the list is read again, for the status, the PDF and the result.
 */
function LiveProgress({ subject }: { subject: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // From the first event: a run that moved (or ended) before this page subscribed is caught up.
  const { latest } = useJobProgress({
    subject,
    from: "0",
    onEvent: (event) => {
      if (event.kind === "completed" || event.kind === "failed") {
        void queryClient.invalidateQueries({ queryKey: trpc.reports.list.queryKey() });
      }
    },
  });
  const event = [...latest.values()].at(-1);
  return (
    <JobProgressBar
      done={event?.done ?? 0}
      total={event?.total ?? 0}
      label={event ? event.label : "Waiting for a worker"}
    />
  );
}
