"use client";

import type { JobProgressEvent } from "@brisk/db/queries/job-progress";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { useTRPC } from "@/trpc/react";

/**
 * Follows `jobs.progress` over server-sent events (no polling): the latest event of each run
 * the viewer may see (an admin: all; a member: their own), or of one run or subject. `from` is
 * an event id read when the page was rendered, so nothing done between the render and the
 * connection is missed; after a dropped connection tRPC resumes from the last event received.
 */
export function useJobProgress(options: {
  runId?: string | undefined;
  /** What the runs work on (`media:42`, `report:7`), for a page that shows that thing. */
  subject?: string | undefined;
  from?: string | undefined;
  /** Where runs stood when the page was rendered (their latest events up to `from`, or after). */
  initial?: readonly JobProgressEvent[] | undefined;
  onEvent?: ((event: JobProgressEvent) => void) | undefined;
}) {
  const trpc = useTRPC();
  const [latest, setLatest] = useState<ReadonlyMap<string, JobProgressEvent>>(
    () => new Map(options.initial?.map((event) => [event.runId, event])),
  );
  const subscription = useSubscription(
    trpc.jobs.progress.subscriptionOptions(
      { runId: options.runId, subject: options.subject, lastEventId: options.from },
      {
        onData: ({ data }) => {
          // A replayed event older than the rendered one changes nothing.
          setLatest((runs) =>
            (runs.get(data.runId)?.id ?? 0) >= data.id ? runs : new Map(runs).set(data.runId, data),
          );
          options.onEvent?.(data);
        },
      },
    ),
  );
  return { latest, status: subscription.status };
}
