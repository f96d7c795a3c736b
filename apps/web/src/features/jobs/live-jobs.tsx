"use client";

import type { JobProgressEvent } from "@brisk/db/queries/job-progress";
import { clsx } from "clsx";
import { useRouter } from "next/navigation";
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from "react";
import styles from "./progress.module.css";
import { JobProgressBar } from "./progress-bar";
import { useJobProgress } from "./use-job-progress";

const Live = createContext<{
  latest: ReadonlyMap<string, JobProgressEvent>;
  status: ReturnType<typeof useJobProgress>["status"] | "off";
}>({ latest: new Map(), status: "off" });

/**
 * Keeps a Jobs page live: runs' progress bars move as steps finish, and the page's server
 * data (statuses, steps, attempts) is fetched again when a run starts, ends, or (with
 * `everyStep`, on a run's own page) finishes a step. Bursts are folded into one refresh.
 */
export function LiveJobs({
  from,
  initial,
  runId,
  everyStep = false,
  children,
}: {
  from: string;
  initial: readonly JobProgressEvent[];
  runId?: string;
  everyStep?: boolean;
  children: ReactNode;
}) {
  const router = useRouter();
  // The cursor of the first render: a refresh renders a newer one, but the subscription goes on
  // (after a reconnect, from the last event it received) rather than starting again.
  const [since] = useState(from);
  const [rendered] = useState(initial);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(pending.current), []);
  const { latest, status } = useJobProgress({
    runId,
    from: since,
    initial: rendered,
    onEvent: (event) => {
      if (event.kind === "step" && !everyStep) return;
      clearTimeout(pending.current);
      pending.current = setTimeout(() => router.refresh(), 250);
    },
  });
  return <Live.Provider value={{ latest, status }}>{children}</Live.Provider>;
}

/** Whether the page is following progress: live, reconnecting, or stopped. */
export function LiveStatus() {
  const { status } = useContext(Live);
  if (status === "off") return null;
  const live = status === "pending";
  return (
    <span className={styles.live} data-testid="jobs-live" data-status={status}>
      <span className={clsx(styles.dot, live && styles.dotLive)} aria-hidden="true" />
      {status === "error" ? "Live updates stopped: reload the page" : live ? "Live" : "Connecting…"}
    </span>
  );
}

/** A run's bar while it runs, from the latest event `LiveJobs` heard for it. */
export function LiveRunProgress({ runId, status }: { runId: string; status: string }) {
  const event = useContext(Live).latest.get(runId);
  if (!event || event.kind === "completed" || event.kind === "failed") return null;
  if (status === "completed" || status === "cancelled") return null;
  return <JobProgressBar done={event.done} total={event.total} label={event.label} />;
}
