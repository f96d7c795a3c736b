import type { Database } from "@brisk/db";
import type { Providers } from "@brisk/providers";
import type { EventType } from "inngest";
import type { z } from "zod";
import type { JobsLogger } from "./client";
import type { EmailTransport } from "./email/transport";
import type { Aggregator } from "./reports/aggregate-pool";
import type { MediaStorage } from "./storage";

interface Concurrency {
  limit: number;
  key?: string;
}

/** What every job's handler may use; `createJobs` passes it in. */
export interface JobDeps {
  db: Database;
  email: EmailTransport;
  log: JobsLogger;
  /** The dashboard's base URL, for links in emails (`https://brisk.example`, no slash). */
  dashboardUrl: string;
  /** Uploaded media and their thumbnails, and reports' PDFs. */
  storage: MediaStorage;
  /** The external providers reports read; absent where none are configured. */
  providers?: Providers | undefined;
  /** Runs CPU-heavy aggregation on worker threads, off the event loop. */
  aggregator: Aggregator;
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
  /**
   * Inngest's `priority.run`: an expression over the event giving seconds (−600…600) by which
   * a run goes ahead of (positive) or behind (negative) work queued before it.
   */
  priority?: { run: string };
  /**
   * Steps in flight at once for the function, or per value of `key` (`event.data.userId`); two
   * of them (Inngest allows two) to cap the function and each key.
   */
  concurrency?: Concurrency | [Concurrency, Concurrency];
  /**
   * Live progress ("3 of 5 steps"): `steps` is how many `io.step` calls a run makes when it
   * goes all the way; `owner` is the user who may watch it besides admins (null: admins only);
   * `subject` names what the run works on (`media:42`), for a page that shows that thing.
   * Each step that runs is reported by `jobs.ts`; a replayed one is not.
   */
  progress?: {
    steps: number;
    owner(input: {
      data: z.infer<NonNullable<TEvent["schema"]>>;
      deps: JobDeps;
    }): Promise<number | null> | number | null;
    subject(data: z.infer<NonNullable<TEvent["schema"]>>): string;
  };
  handler(input: {
    data: z.infer<NonNullable<TEvent["schema"]>>;
    io: JobIo;
    deps: JobDeps;
  }): Promise<unknown>;
  /** After the last attempt failed: record the failure where the product shows it. */
  onFailure?(input: {
    data: z.infer<NonNullable<TEvent["schema"]>>;
    deps: JobDeps;
    /** The last attempt's error message. */
    error: string;
  }): Promise<unknown>;
}
