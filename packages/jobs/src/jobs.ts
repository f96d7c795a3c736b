import type { Database } from "@brisk/db";
import { serve } from "inngest/node";
import {
  createInngestClient,
  type InngestClient,
  type InngestSettings,
  type JobsLogger,
} from "./client";
import type { JobDefinition, JobDeps } from "./definition";
import { SEND_WELCOME_EMAIL } from "./definitions/send-welcome-email";
import { createEmailTransport, type EmailSettings } from "./email/transport";
import { type OutboxEvent, type RelaySettings, startOutboxRelay } from "./outbox";

/** Every job Brisk runs. A new one is a definition and its handler, added here. */
export const JOB_DEFINITIONS = [SEND_WELCOME_EMAIL] as const;

export interface JobsSettings {
  inngest: InngestSettings;
  email: EmailSettings;
  relay?: Partial<RelaySettings> | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: the list holds definitions of different events
type AnyJobDefinition = JobDefinition<any>;

/** A definition as an Inngest function: its trigger and options, its handler's steps as steps. */
function toInngestFunction(client: InngestClient, definition: AnyJobDefinition, deps: JobDeps) {
  return client.createFunction(
    {
      id: definition.id,
      name: definition.name,
      triggers: [definition.trigger],
      ...(definition.idempotency ? { idempotency: definition.idempotency } : {}),
      ...(definition.retries !== undefined ? { retries: definition.retries } : {}),
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
export function createJobs(deps: { db: Database; log: JobsLogger; settings: JobsSettings }) {
  const { db, log, settings } = deps;
  const client = createInngestClient(settings.inngest, log);
  const email = createEmailTransport(db, settings.email);
  const functions = JOB_DEFINITIONS.map((definition) =>
    toInngestFunction(client, definition, { db, email, log }),
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
