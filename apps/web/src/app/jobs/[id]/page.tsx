import { TRPCError } from "@trpc/server";
import { clsx } from "clsx";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminsOnly } from "@/components/admins-only";
import ui from "@/components/ui.module.css";
import { errorText, formatDuration, RunStatusBadge } from "@/features/jobs/format";
import { LiveJobs, LiveRunProgress, LiveStatus } from "@/features/jobs/live-jobs";
import { RunActions } from "@/features/jobs/run-actions";
import { formatDateTime, isoDate } from "@/lib/format";
import { requireViewer } from "@/server/viewer";
import { serverCaller } from "@/trpc/server";
import styles from "../jobs.module.css";

type Params = Promise<{ id: string }>;

export const metadata: Metadata = { title: "Job run" };

const RUN_ID = /^[A-Za-z0-9-]{1,64}$/;

/** JSON for reading, cut short: a step's output can be large. */
function shown(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? "null";
  return text.length > 4_000 ? `${text.slice(0, 4_000)}\n…` : text;
}

export default async function JobRunPage({ params }: { params: Params }) {
  const viewer = await requireViewer("/jobs");
  if (viewer.role !== "admin") {
    return (
      <AdminsOnly
        title="Jobs"
        what="The Jobs page shows background runs, with other users' event data in them."
      />
    );
  }
  const { id } = await params;
  if (!RUN_ID.test(id)) notFound();
  const caller = await serverCaller();
  const run = await caller.jobs.byId({ id }).catch((error: unknown) => {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const runError = errorText(run.error);

  return (
    <LiveJobs from={run.progressCursor} initial={run.progress} runId={run.id} everyStep>
      <nav className={ui.breadcrumb} aria-label="Breadcrumb">
        <Link href="/jobs">Jobs</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{run.functionName}</span>
      </nav>

      <header className={clsx(ui.pageHeader, ui.pageHeaderRow)}>
        <div className={ui.pageHeaderText}>
          <h1>
            {run.functionName} <RunStatusBadge status={run.status} />
          </h1>
          <LiveRunProgress runId={run.id} status={run.status} />
          <dl className={styles.facts}>
            <div>
              <dt>Function</dt>
              <dd>
                <code>{run.functionId}</code>
              </dd>
            </div>
            <div>
              <dt>Run</dt>
              <dd>
                <code>{run.id}</code>
              </dd>
            </div>
            <div>
              <dt>Event</dt>
              <dd>
                <code>{run.eventName}</code>
              </dd>
            </div>
            <div>
              <dt>Started</dt>
              <dd>
                <time dateTime={isoDate(run.startedAt ?? run.createdAt)}>
                  {formatDateTime(run.startedAt ?? run.createdAt)}
                </time>
              </dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd>{formatDuration(run.startedAt, run.endedAt)}</dd>
            </div>
            <div>
              <dt>Attempts</dt>
              <dd>
                {run.attempts} of {run.maxAttempts}
              </dd>
            </div>
          </dl>
        </div>
        <div className={ui.actions}>
          <RunActions id={run.id} status={run.status} />
          <LiveStatus />
        </div>
      </header>

      {runError ? (
        <section className={clsx(ui.panel, styles.runError)} data-testid="run-error">
          <h2 className={ui.sectionTitle}>Error</h2>
          <pre>{runError}</pre>
        </section>
      ) : null}

      <section aria-labelledby="steps-title">
        <h2 id="steps-title" className={ui.sectionTitle}>
          Steps
        </h2>
        {run.steps.length === 0 ? (
          <p className={ui.muted}>No step has run yet.</p>
        ) : (
          <ol className={styles.timeline}>
            {run.steps.map((step) => {
              const stepError = errorText(step.error);
              return (
                <li key={step.id} className={styles.step} data-testid="run-step">
                  <div className={styles.stepHead}>
                    <strong>{step.name ?? step.id}</strong>
                    <RunStatusBadge status={step.status} />
                    <span className={clsx(ui.muted, ui.small)}>
                      {formatDuration(step.startedAt, step.endedAt)} · {step.attempts}{" "}
                      {step.attempts === 1 ? "attempt" : "attempts"}
                    </span>
                  </div>
                  {stepError ? (
                    <pre className={styles.stepError}>{stepError}</pre>
                  ) : step.output !== null && step.output !== undefined ? (
                    <pre className={styles.stepOutput}>{shown(step.output)}</pre>
                  ) : null}
                </li>
              );
            })}
          </ol>
        )}
      </section>
    </LiveJobs>
  );
}
