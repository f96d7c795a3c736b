import { performance } from "node:perf_hooks";
import type { Database } from "@brisk/db";
import type { Providers } from "@brisk/providers";
import { serve } from "inngest/node";
import {
  createInngestClient,
  type InngestClient,
  type InngestSettings,
  type JobsLogger,
} from "./client";
import type { JobDefinition, JobDeps } from "./definition";
import { GENERATE_REPORT } from "./definitions/generate-report";
import { MAKE_COVER_THUMBNAILS } from "./definitions/make-cover-thumbnails";
import { SEND_INVITATION_EMAIL } from "./definitions/send-invitation-email";
import { SEND_WELCOME_EMAIL } from "./definitions/send-welcome-email";
import { createEmailTransport, type EmailSettings } from "./email/transport";
import { acceptUpload, UPLOAD_DEFAULTS, type UploadLimits } from "./media/upload";
import { type OutboxEvent, type RelaySettings, startOutboxRelay } from "./outbox";
import { runProgress } from "./progress";
import { createAggregator } from "./reports/aggregate-pool";
import { createStorage, type StorageSettings } from "./storage";
import { inStepSpan, startRunSpan } from "./tracing";

/** Every job Brisk runs. A new one is a definition and its handler, added here. */
export const JOB_DEFINITIONS = [
  SEND_WELCOME_EMAIL,
  SEND_INVITATION_EMAIL,
  MAKE_COVER_THUMBNAILS,
  GENERATE_REPORT,
] as const;

export interface JobsSettings {
  inngest: InngestSettings;
  email: EmailSettings;
  relay?: Partial<RelaySettings> | undefined;
  /** Uploaded media: where they are stored, and what an upload may be. */
  media?: { storage: StorageSettings; limits?: Partial<UploadLimits> | undefined } | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: the list holds definitions of different events
type AnyJobDefinition = JobDefinition<any>;

/** Counts runs that failed on their last attempt (`brisk_job_failures_total{function}`). */
export interface JobFailureCounter {
  inc(labels: { function: string }): void;
}

/**
 * Counts finished runs (`brisk_job_runs_total{function, outcome}`): `ok` when the handler
 * returns, `failed` when the last attempt failed. Retried attempts are not runs.
 */
export interface JobRunCounter {
  inc(labels: { function: string; outcome: "ok" | "failed" }): void;
}

/** Times steps that ran (`brisk_job_step_duration_seconds{function}`); replays are not timed. */
export interface JobStepTimer {
  observe(labels: { function: string }, seconds: number): void;
}

/**
 * Times how long a run waited for its first step (`brisk_job_queue_wait_seconds{function,
 * priority}`): from the event's timestamp to that step's first attempt. `priority` is the
 * definition's `priority.run` expression ("120", "0" when it has none): what a backlog costs
 * each class of work.
 */
export interface JobQueueTimer {
  observe(labels: { function: string; priority: string }, seconds: number): void;
}

export interface JobMeters {
  failures?: JobFailureCounter | undefined;
  runs?: JobRunCounter | undefined;
  stepDuration?: JobStepTimer | undefined;
  queueWait?: JobQueueTimer | undefined;
}

/**
 * A definition as an Inngest function: its trigger and options, its handler's steps as steps.
 * A run that fails on its last attempt is logged with its run id and counted; the run itself,
 * with its error, stays in the executor (or Inngest's console) for the Jobs page to retry.
 */
function toInngestFunction(
  client: InngestClient,
  definition: AnyJobDefinition,
  deps: JobDeps,
  meters: JobMeters,
) {
  return client.createFunction(
    {
      id: definition.id,
      name: definition.name,
      triggers: [definition.trigger],
      ...(definition.idempotency ? { idempotency: definition.idempotency } : {}),
      ...(definition.retries !== undefined ? { retries: definition.retries } : {}),
      ...(definition.priority ? { priority: definition.priority } : {}),
      ...(definition.concurrency ? { concurrency: definition.concurrency } : {}),
      onFailure: async ({ event, error }) => {
        deps.log.error(
          {
            function: definition.id,
            runId: event.data.run_id,
            eventName: event.data.event.name,
            err: { name: error.name, message: error.message },
          },
          "job failed on its last attempt",
        );
        meters.failures?.inc({ function: definition.id });
        meters.runs?.inc({ function: definition.id, outcome: "failed" });
        const report = runProgress(definition, deps, event.data.run_id, event.data.event.data);
        await report("failed", 0, error.message);
        await definition.onFailure?.({ data: event.data.event.data, deps, error: error.message });
      },
    },
    async ({ event, step, runId, attempt }) => {
      const functionId = definition.id;
      const data = event.data as Record<string, unknown>;
      const run = startRunSpan({ functionId, runId, attempt, data });
      const report = runProgress(definition, deps, runId, data);
      // Counts the handler's steps in this request, memoized or not: step n is "n of total".
      let stepsSeen = 0;
      const timed =
        <T>(stepId: string, work: () => Promise<T>) =>
        async () => {
          const started = performance.now();
          try {
            return await inStepSpan(run.context, { functionId, runId, attempt, stepId }, work);
          } finally {
            meters.stepDuration?.observe(
              { function: functionId },
              (performance.now() - started) / 1000,
            );
            // The SDK answers with this step's result; the handler does not return this time.
            run.end();
          }
        };
      try {
        const result = await definition.handler({
          data: event.data,
          deps,
          io: {
            // A replayed step returns its result as JSON: handlers return JSON-safe values.
            step: <T>(id: string, work: () => Promise<T>) => {
              const n = ++stepsSeen;
              // Only a step that runs reports (a replayed one returns its result unreported);
              // the run starts with its first step's first attempt.
              const reported = async () => {
                if (n === 1 && attempt === 0) {
                  meters.queueWait?.observe(
                    { function: functionId, priority: definition.priority?.run ?? "0" },
                    Math.max(0, Date.now() - (event.ts ?? Date.now())) / 1000,
                  );
                  await report("started", 0);
                }
                const result = await work();
                await report("step", n, id);
                return result;
              };
              return step.run(id, timed(id, reported)) as unknown as Promise<T>;
            },
          },
        });
        run.end();
        meters.runs?.inc({ function: functionId, outcome: "ok" });
        await report("completed", Math.max(definition.progress?.steps ?? 0, stepsSeen));
        return result;
      } catch (error) {
        run.end(error);
        throw error;
      }
    },
  );
}

/**
 * Background jobs for a process that serves them (apps/api): the Inngest client, the
 * functions, the serve handler for `/api/inngest`, and the outbox relay, started here and
 * stopped by `close()`. Only `createRuntime` calls it.
 */
export function createJobs(deps: {
  db: Database;
  log: JobsLogger;
  settings: JobsSettings;
  failures?: JobFailureCounter | undefined;
  runs?: JobRunCounter | undefined;
  stepDuration?: JobStepTimer | undefined;
  queueWait?: JobQueueTimer | undefined;
  /** The dashboard's base URL, for links in emails. */
  dashboardUrl: string;
  /** The process's provider clients (their pools and breakers), for reports; absent: none. */
  providers?: Providers | undefined;
  /** Threads for report aggregation (off the event loop). */
  aggregationThreads?: number | undefined;
}) {
  const { db, log, settings, dashboardUrl, providers } = deps;
  const client = createInngestClient(settings.inngest, log);
  const email = createEmailTransport(db, settings.email);
  const storage = createStorage(settings.media?.storage ?? { dir: ".data/media" });
  const limits = { ...UPLOAD_DEFAULTS, ...settings.media?.limits };
  const aggregator = createAggregator(deps.aggregationThreads ?? 1);
  const functions = JOB_DEFINITIONS.map((definition) =>
    toInngestFunction(
      client,
      definition,
      { db, email, log, dashboardUrl, storage, providers, aggregator },
      deps,
    ),
  );
  const relay = startOutboxRelay({
    db,
    log,
    settings: settings.relay,
    send: (events: OutboxEvent[]) => client.send(events),
  });
  return {
    client,
    functions,
    /** Inngest's serve endpoint on node:http: introspection (GET), sync (PUT), runs (POST). */
    handler: serve({ client, functions }),
    /** Uploads (`POST /media`) and the objects they and their thumbnails are stored as. */
    media: {
      storage,
      limits,
      accept: (ownerId: number, bytes: Buffer) =>
        acceptUpload({ db, storage, limits }, ownerId, bytes),
    },
    relay,
    async close() {
      await relay.stop();
      email.close();
      await aggregator.close();
    },
  };
}

export type Jobs = ReturnType<typeof createJobs>;
