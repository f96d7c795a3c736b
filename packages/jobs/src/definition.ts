import type { Database } from "@brisk/db";
import type { EventType } from "inngest";
import type { z } from "zod";
import type { JobsLogger } from "./client";
import type { EmailTransport } from "./email/transport";

/** What every job's handler may use; `createJobs` passes it in. */
export interface JobDeps {
  db: Database;
  email: EmailTransport;
  log: JobsLogger;
  /** The dashboard's base URL, for links in emails (`https://brisk.example`, no slash). */
  dashboardUrl: string;
}

/**
 * What a handler sees of the engine that runs it (documenso's `io`). `step` runs `work` at
 * most once to success per run: its result is memoized, and a retry of the function replays
 * it instead of running it again, so results must be JSON-safe. Only Inngest implements it
 * (the local executor speaks Inngest's protocol, so no second provider is needed); the
 * handler never sees Inngest itself.
 */
export interface JobIo {
  step<T>(id: string, work: () => Promise<T>): Promise<T>;
}

/**
 * A background job, declared beside its handler (`definitions/<id>.ts` and
 * `<id>.handler.ts`): the event that triggers it and what the engine must enforce.
 */
export interface JobDefinition<
  TEvent extends EventType<string, z.ZodType<Record<string, unknown>, Record<string, unknown>>>,
> {
  id: string;
  name: string;
  trigger: TEvent;
  /** An expression over the event (`event.data.userId`): one run per value in 24 h. */
  idempotency?: string;
  /** Retries after the first attempt (Inngest's default is 4). */
  retries?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
  handler(input: {
    data: z.infer<NonNullable<TEvent["schema"]>>;
    io: JobIo;
    deps: JobDeps;
  }): Promise<unknown>;
}
