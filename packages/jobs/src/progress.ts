import type { Database } from "@brisk/db";
import {
  type JobProgressKind,
  pruneJobProgress,
  recordJobProgress,
} from "@brisk/db/queries/job-progress";
import type { JobsLogger } from "./client";
import type { JobDefinition, JobDeps } from "./definition";

// biome-ignore lint/suspicious/noExplicitAny: a reporter serves definitions of every event
type AnyEvent = any;

/** How long progress is kept: a subscriber that was away longer starts from now. */
export const PROGRESS_KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * Records what one run reports (`started`, each `step` that ran, `completed`, `failed`) in
 * `job_progress`, whose inserts are announced to the dashboard's subscribers. Progress is a
 * view of the run, not part of it: a write that fails is logged and the run goes on. The
 * owner (who besides admins may see it) is looked up once, on the first report.
 */
export function progressReporter(input: {
  db: Database;
  log: JobsLogger;
  functionId: string;
  runId: string;
  /** The definition's step count; 0 when it does not say. */
  total: number;
  subject: string | null;
  owner: () => Promise<number | null> | number | null;
}) {
  let owner: Promise<number | null> | undefined;
  return async (kind: JobProgressKind, done: number, label: string | null = null) => {
    try {
      owner ??= Promise.resolve(input.owner());
      const ownerId = await owner;
      // Once per run is often enough to keep the table to a day, and a no-op is one index probe.
      if (kind === "started") await pruneJobProgress(input.db, PROGRESS_KEEP_MS);
      await recordJobProgress(input.db, {
        runId: input.runId,
        functionId: input.functionId,
        ownerId,
        subject: input.subject,
        kind,
        done,
        total: Math.max(input.total, done),
        label,
      });
    } catch (error) {
      input.log.warn(
        { err: error, function: input.functionId, runId: input.runId, kind },
        "job progress not recorded",
      );
    }
  };
}

/** The reporter of one run of `definition`, over the event's `data`. */
export function runProgress(
  definition: Pick<JobDefinition<AnyEvent>, "id" | "progress">,
  deps: JobDeps,
  runId: string,
  data: Record<string, unknown>,
) {
  return progressReporter({
    db: deps.db,
    log: deps.log,
    functionId: definition.id,
    runId,
    total: definition.progress?.steps ?? 0,
    subject: definition.progress?.subject(data) ?? null,
    owner: () => definition.progress?.owner({ data, deps }) ?? null,
  });
}
