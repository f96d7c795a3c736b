import { lastJobProgressId, latestJobProgress } from "@brisk/db/queries/job-progress";
import { APP_ID, JOB_DEFINITIONS, RunsError } from "@brisk/jobs";
import { type TRPCRouterRecord, tracked } from "@trpc/server";
import { adminProcedure, signedInProcedure, TRPCError } from "../init";
import {
  cancelJobInput,
  jobByIdInput,
  jobProgressInput,
  listJobsInput,
  retryJobInput,
} from "../schemas/jobs";

const CODES = {
  unavailable: "SERVICE_UNAVAILABLE",
  "not-found": "NOT_FOUND",
  conflict: "CONFLICT",
  invalid: "BAD_REQUEST",
  elsewhere: "PRECONDITION_FAILED",
} as const;

// Inngest names a function by its app and its own id, and the SDK's failure handler after it.
const FUNCTIONS = JOB_DEFINITIONS.map((d) => ({ id: `${APP_ID}-${d.id}`, name: d.name }));
const FUNCTION_NAMES = new Map(
  FUNCTIONS.flatMap((f) => [
    [f.id, f.name],
    [`${f.id}-failure`, `${f.name} (on failure)`],
  ]),
);

/** A run with its function's name, as the Jobs page shows it. */
function named<T extends { functionId: string }>(run: T) {
  return { ...run, functionName: FUNCTION_NAMES.get(run.functionId) ?? run.functionId };
}

/** The executor's refusal as the caller's answer: an unreachable executor is a 503, not a 500. */
async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RunsError) {
      throw new TRPCError({ code: CODES[error.kind], message: error.message, cause: error });
    }
    throw error;
  }
}

/**
 * The Jobs page: runs of Brisk's background functions, their steps, and the retry of a failed
 * run or the cancel of a queued or running one. Read from the local executor; in cloud mode
 * they are in Inngest's console, and `source` says where. Admins only: runs carry other
 * users' event data.
 */
export const jobsRouter = {
  list: adminProcedure.input(listJobsInput).query(async ({ ctx, input }) => {
    const functions = FUNCTIONS;
    if (ctx.runs.mode === "cloud") {
      return { source: "cloud" as const, consoleUrl: ctx.runs.consoleUrl, functions, runs: [] };
    }
    // The cursor first: a page that subscribes to `jobs.progress` from it misses nothing done
    // after the runs were read, and `progress` is where their bars stood by then.
    const progressCursor = String(await lastJobProgressId(ctx.db));
    const runs = (await answer(() => ctx.runs.list(input))).map(named);
    const progress = await latestJobProgress(
      ctx.db,
      runs.map((run) => run.id),
    );
    return {
      source: "executor" as const,
      consoleUrl: null,
      functions,
      runs,
      progressCursor,
      progress,
    };
  }),

  byId: adminProcedure.input(jobByIdInput).query(async ({ ctx, input }) => {
    const progressCursor = String(await lastJobProgressId(ctx.db));
    const run = named(await answer(() => ctx.runs.byId(input.id)));
    const progress = await latestJobProgress(ctx.db, [run.id]);
    return { ...run, progressCursor, progress };
  }),

  retry: adminProcedure.input(retryJobInput).mutation(async ({ ctx, input }) => {
    const run = named(await answer(() => ctx.runs.retry(input.id)));
    ctx.log.info({ runId: run.id, function: run.functionId }, "job run retried");
    return run;
  }),

  cancel: adminProcedure.input(cancelJobInput).mutation(async ({ ctx, input }) => {
    const run = named(await answer(() => ctx.runs.cancel(input.id)));
    ctx.log.info({ runId: run.id, function: run.functionId }, "job run cancelled");
    return run;
  }),

  /**
   * Live progress over server-sent events: what runs report as they go, from any instance.
   * Admins get every run's; a member only the runs done for them (their cover's thumbnails,
   * their reports). Each event carries its id, so a client that reconnects (EventSource's
   * Last-Event-ID) gets what it missed, in order, then live ones. A page that shows one thing
   * (a cover, a report) follows its `subject` rather than a run id it does not know.
   */
  progress: signedInProcedure.input(jobProgressInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const { actor } = ctx;
    if (actor.role !== "admin" && actor.kind !== "user") {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "Only a signed-in member or an admin can follow job progress.",
      });
    }
    const ownerId = actor.role === "admin" ? undefined : actor.id;
    const events = ctx.progress.follow(
      { ownerId, runId: input?.runId, subject: input?.subject },
      input?.lastEventId,
      signal,
    );
    for await (const event of events) yield tracked(String(event.id), event);
  }),
} satisfies TRPCRouterRecord;
