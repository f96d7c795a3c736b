import type { Database } from "@brisk/db";
import {
  JOB_PROGRESS_CHANNEL,
  type JobProgressEvent,
  lastJobProgressId,
  listJobProgressAfter,
} from "@brisk/db/queries/job-progress";
import type postgres from "postgres";
import type { Logger } from "./logger";

/**
 * Whose events a subscriber gets: one owner's (a member) or everyone's (an admin); of one run,
 * or of one subject (`media:42`), when given.
 */
export interface ProgressFilter {
  ownerId?: number | undefined;
  runId?: string | undefined;
  subject?: string | undefined;
}

/** Rows read per catch-up query. */
const PAGE = 200;
/**
 * Events a slow subscriber may have waiting; past that they are dropped and it catches up from
 * the table instead, so a stalled connection costs a query later rather than memory now.
 */
const MAX_QUEUED = 1_000;

interface Subscriber {
  filter: ProgressFilter;
  push(event: JobProgressEvent): void;
  /** Events may have been missed (a reconnect, a full queue): read on from the table. */
  resync(): void;
}

const matches = (filter: ProgressFilter, event: JobProgressEvent) =>
  (filter.ownerId === undefined || event.ownerId === filter.ownerId) &&
  (filter.runId === undefined || event.runId === filter.runId) &&
  (filter.subject === undefined || event.subject === filter.subject);

/**
 * Job progress fanned out to this process's subscribers. One LISTEN connection per process,
 * opened with the first subscriber: every instance hears every insert (`recordJobProgress`
 * notifies with the event as JSON) and hands it to its own subscribers, so a job run by any
 * instance reaches a browser connected to any other. postgres.js re-listens after a lost
 * connection and says so (`onlisten`); whatever was notified meanwhile is read from the table
 * by each subscriber, from the last id it gave out. Ids commit in order (see
 * `recordJobProgress`), so "after the last id" misses nothing and repeats nothing.
 */
export function createJobProgressFeed(deps: { db: Database; sql: postgres.Sql; log: Logger }) {
  const subscribers = new Set<Subscriber>();
  let listening: Promise<{ unlisten(): Promise<void> }> | undefined;
  let connectedOnce = false;
  let closed = false;

  const listen = () => {
    listening ??= deps.sql
      .listen(
        JOB_PROGRESS_CHANNEL,
        (payload) => {
          let event: JobProgressEvent;
          try {
            event = JSON.parse(payload) as JobProgressEvent;
          } catch (error) {
            deps.log.warn({ err: error }, "job progress notification unreadable");
            return;
          }
          for (const subscriber of subscribers) {
            if (matches(subscriber.filter, event)) subscriber.push(event);
          }
        },
        () => {
          if (connectedOnce) {
            deps.log.info("job progress listener reconnected; subscribers catch up");
            for (const subscriber of subscribers) subscriber.resync();
          }
          connectedOnce = true;
        },
      )
      .catch((error: unknown) => {
        listening = undefined;
        throw error;
      });
    return listening;
  };

  return {
    /** Open subscriptions in this process. */
    get subscribers() {
      return subscribers.size;
    },

    /**
     * Events matching `filter` after `afterId` (stored ones first, then live), until `signal`
     * aborts. Without `afterId`, only what happens from now on.
     */
    async *follow(
      filter: ProgressFilter,
      afterId: number | undefined,
      signal: AbortSignal | undefined,
    ): AsyncGenerator<JobProgressEvent> {
      const queue: JobProgressEvent[] = [];
      let behind = true;
      let wake: (() => void) | undefined;
      const ring = () => {
        wake?.();
        wake = undefined;
      };
      const subscriber: Subscriber = {
        filter,
        push(event) {
          if (queue.length >= MAX_QUEUED) {
            queue.length = 0;
            behind = true;
          } else queue.push(event);
          ring();
        },
        resync() {
          behind = true;
          ring();
        },
      };
      subscribers.add(subscriber);
      signal?.addEventListener("abort", ring, { once: true });
      try {
        // Listening before reading the table: whatever commits between the two is in both,
        // and the id check below keeps one.
        await listen();
        let last = afterId ?? (await lastJobProgressId(deps.db));
        while (!signal?.aborted && !closed) {
          if (behind) {
            behind = false;
            const rows = await listJobProgressAfter(deps.db, {
              ...filter,
              afterId: last,
              limit: PAGE,
            });
            for (const row of rows) {
              last = row.id;
              yield row;
            }
            if (rows.length === PAGE) behind = true;
            continue;
          }
          const event = queue.shift();
          if (event) {
            if (event.id > last) {
              last = event.id;
              yield event;
            }
            continue;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      } finally {
        subscribers.delete(subscriber);
        signal?.removeEventListener("abort", ring);
      }
    },

    /**
     * Ends every subscription (their clients reconnect, to another instance when this one is
     * shutting down) and stops listening.
     */
    async close() {
      closed = true;
      for (const subscriber of subscribers) subscriber.resync();
      const current = listening;
      listening = undefined;
      await current?.then((l) => l.unlisten()).catch(() => undefined);
    },
  };
}

export type JobProgressFeed = ReturnType<typeof createJobProgressFeed>;
