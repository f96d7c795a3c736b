import { RUN_STATUSES, type RunStatus } from "@brisk/jobs/runs";
import { clsx } from "clsx";
import type { Metadata } from "next";
import Link from "next/link";
import { AdminsOnly } from "@/components/admins-only";
import table from "@/components/table.module.css";
import ui from "@/components/ui.module.css";
import { formatDuration, RunStatusBadge } from "@/features/jobs/format";
import { LiveJobs, LiveRunProgress, LiveStatus } from "@/features/jobs/live-jobs";
import { formatDateTime, isoDate } from "@/lib/format";
import { requireViewer } from "@/server/viewer";
import { serverCaller } from "@/trpc/server";
import styles from "./jobs.module.css";

export const metadata: Metadata = { title: "Jobs" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const WHAT = "The Jobs page shows background runs, with other users' event data in them.";

function one(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

export default async function JobsPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requireViewer("/jobs");
  if (viewer.role !== "admin") return <AdminsOnly title="Jobs" what={WHAT} />;

  const params = await searchParams;
  const status = RUN_STATUSES.find((s) => s === one(params.status)) as RunStatus | undefined;
  // A malformed filter is dropped rather than refused: it comes from a hand-edited URL.
  const fn = /^[a-z0-9-]{1,100}$/.test(one(params.function) ?? "")
    ? one(params.function)
    : undefined;
  const caller = await serverCaller();
  const list = await caller.jobs.list({ function: fn, status, limit: 100 });

  const page = (
    <>
      <header className={clsx(ui.pageHeader, ui.pageHeaderRow)}>
        <div className={ui.pageHeaderText}>
          <h1>Jobs</h1>
          <p className={ui.muted}>
            Background runs, newest first: the welcome email and other work done after a request
            answered. A failed run can be retried from the step that failed.
          </p>
        </div>
        <LiveStatus />
      </header>

      {list.source === "cloud" ? (
        <section className={clsx(ui.panel, ui.state)} data-testid="jobs-console">
          <h2>Runs are in the Inngest console</h2>
          <p className={ui.muted}>
            This deployment sends its background work to Inngest. Its console lists every run with
            its steps, and retries or cancels them.
          </p>
          <a
            href={list.consoleUrl ?? undefined}
            className={ui.button}
            target="_blank"
            rel="noreferrer"
          >
            Open the Inngest console
          </a>
        </section>
      ) : (
        <>
          <form method="get" action="/jobs" className={styles.filters} aria-label="Filter runs">
            <label>
              Function
              <select name="function" defaultValue={fn ?? ""}>
                <option value="">All functions</option>
                {list.functions.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Status
              <select name="status" defaultValue={status ?? ""}>
                <option value="">Any status</option>
                {RUN_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className={clsx(ui.button, ui.buttonSecondary, ui.buttonSmall)}>
              Filter
            </button>
          </form>

          {list.runs.length === 0 ? (
            <section className={clsx(ui.panel, ui.state)} data-testid="jobs-empty">
              <h2>No runs{fn || status ? " match these filters" : " yet"}</h2>
              <p className={ui.muted}>
                A run starts when an event arrives, for example when someone signs up.
              </p>
            </section>
          ) : (
            <div className={clsx(ui.card, styles.tableCard)}>
              <table className={clsx(table.table, styles.runTable)} aria-label="Runs">
                <thead>
                  <tr>
                    <th scope="col">Function</th>
                    <th scope="col" className={styles.colStatus}>
                      Status
                    </th>
                    <th scope="col" className={styles.colWhen}>
                      Started
                    </th>
                    <th scope="col" className={styles.colShort}>
                      Duration
                    </th>
                    <th scope="col" className={styles.colShort}>
                      Attempts
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.runs.map((run) => (
                    <tr key={run.id} data-testid="job-row">
                      <td>
                        <Link href={`/jobs/${run.id}`} className={styles.fnName}>
                          {run.functionName}
                        </Link>
                        <div className={clsx(ui.muted, ui.small)}>
                          <code>{run.eventName}</code>
                        </div>
                      </td>
                      <td>
                        <RunStatusBadge status={run.status} />
                        <LiveRunProgress runId={run.id} status={run.status} />
                      </td>
                      <td className={ui.muted}>
                        <time dateTime={isoDate(run.startedAt ?? run.createdAt)}>
                          {formatDateTime(run.startedAt ?? run.createdAt)}
                        </time>
                      </td>
                      <td>{formatDuration(run.startedAt, run.endedAt)}</td>
                      <td>
                        {run.attempts} of {run.maxAttempts}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </>
  );
  // Live only where the runs are listed here; Inngest's console is live on its own.
  return list.source === "executor" ? (
    <LiveJobs from={list.progressCursor} initial={list.progress}>
      {page}
    </LiveJobs>
  ) : (
    page
  );
}
