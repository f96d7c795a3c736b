import type { Database } from "@brisk/db";
import { serve } from "inngest/node";
import {
  createInngestClient,
  type InngestClient,
  type InngestSettings,
  type JobsLogger,
} from "./client";
import type { JobDefinition, JobDeps } from "./definition";
import { SEND_INVITATION_EMAIL } from "./definitions/send-invitation-email";
import { SEND_WELCOME_EMAIL } from "./definitions/send-welcome-email";
import { createEmailTransport, type EmailSettings } from "./email/transport";
import { type OutboxEvent, type RelaySettings, startOutboxRelay } from "./outbox";

/** Every job Brisk runs. A new one is a definition and its handler, added here. */
export const JOB_DEFINITIONS = [SEND_WELCOME_EMAIL, SEND_INVITATION_EMAIL] as const;

export interface JobsSettings {
  inngest: InngestSettings;
  email: EmailSettings;
  relay?: Partial<RelaySettings> | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: the list holds definitions of different events
type AnyJobDefinition = JobDefinition<any>;

/** Counts runs that failed on their last attempt (`brisk_job_failures_total{function}`). */
export interface JobFailureCounter {
  inc(labels: { function: string }): void;
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
  failures: JobFailureCounter | undefined,
) {
  return client.createFunction(
    {
      id: definition.id,
      name: definition.name,
      triggers: [definition.trigger],
      ...(definition.idempotency ? { idempotency: definition.idempotency } : {}),
      ...(definition.retries !== undefined ? { retries: definition.retries } : {}),
      onFailure: ({ event, error }) => {
        deps.log.error(
          {
            function: definition.id,
            runId: event.data.run_id,
            eventName: event.data.event.name,
            err: { name: error.name, message: error.message },
          },
          "job failed on its last attempt",
        );
        failures?.inc({ function: definition.id });
      },
    },
    async ({ event, step }) =>
      definition.handler({
        data: event.data,
        deps,
        io: {
          // A replayed step returns its result as JSON: handlers return JSON-safe values.
          step: <T>(id: string, work: () => Promise<T>) =>
            step.run(id, work) as unknown as Promise<T>,
        },
      }),
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
  /** The dashboard's base URL, for links in emails. */
  dashboardUrl: string;
}) {
  const { db, log, settings, failures, dashboardUrl } = deps;
  const client = createInngestClient(settings.inngest, log);
  const email = createEmailTransport(db, settings.email);
  const functions = JOB_DEFINITIONS.map((definition) =>
    toInngestFunction(client, definition, { db, email, log, dashboardUrl }, failures),
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
    relay,
    async close() {
      await relay.stop();
      email.close();
    },
  };
}

export type Jobs = ReturnType<typeof createJobs>;
