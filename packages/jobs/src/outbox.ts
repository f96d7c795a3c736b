import type { Database, Executor } from "@brisk/db";
import {
  claimDueOutboxEvents,
  insertOutboxEvent,
  markOutboxFailed,
  markOutboxSent,
  nextOutboxDue,
  outboxBacklog,
} from "@brisk/db/queries/outbox";
import type { JobsLogger } from "./client";
import { type BriskEvent, parseEvent } from "./events";
import { activeTraceparent, TRACEPARENT_KEY } from "./tracing";

/**
 * Records `event` in the outbox, in the transaction of the write it announces: committed
 * together, or rolled back together. Returns the row's id, which is the event's id at
 * Inngest. Wake the relay after the commit (`afterCommit`) to send it at once.
 */
export function recordEvent(tx: Executor, event: BriskEvent) {
  const parsed = parseEvent(event);
  // Inside a traced request, the function's spans link back to it (tracing.ts).
  const traceparent = activeTraceparent();
  return insertOutboxEvent(tx, {
    name: parsed.name,
    data: traceparent ? { ...parsed.data, [TRACEPARENT_KEY]: traceparent } : parsed.data,
  });
}

export interface OutboxEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
}

export interface RelaySettings {
  /** Rows claimed and sent in one request to the event API. */
  batchSize: number;
  /** First retry after this, doubled per failed attempt up to `maxDelayMs`, jittered. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * With nothing due and no wake-up, looks again after this: how soon an event recorded by
   * another process (the dashboard's server signs users up in process) is seen here.
   */
  idleMs: number;
  /** A send not answered within this counts as failed (it may still arrive: the id dedupes). */
  sendTimeoutMs: number;
}

export const RELAY_DEFAULTS: RelaySettings = {
  batchSize: 100,
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  idleMs: 1_000,
  sendTimeoutMs: 10_000,
};

/**
 * When rows are due but all held by another relay, wait this long before looking again
 * rather than spinning on them.
 */
const HELD_ELSEWHERE_MS = 200;

export interface OutboxRelay {
  /** Sends what is due now rather than at the next poll: called after a commit. */
  wake(): void;
  /** Finishes the batch in hand (its rows are marked sent or put off) and stops. */
  stop(): Promise<void>;
  /** Unsent events and the age of the oldest, for the backlog gauges. */
  backlog(): Promise<{ unsent: number; oldestAgeS: number }>;
}

/**
 * Sends the outbox to Inngest. Each batch is claimed with `FOR UPDATE SKIP LOCKED` and stays
 * locked while it is sent and marked, so relays of several instances never send one row at
 * the same time. A batch that fails is put off with backoff, never dropped: an unreachable
 * Inngest delays events and loses none. Delivery is at least once (a send that timed out may
 * have landed); Inngest deduplicates by the event id, which is the row's id.
 */
export function startOutboxRelay(deps: {
  db: Database;
  send: (events: OutboxEvent[]) => Promise<unknown>;
  log: JobsLogger;
  settings?: Partial<RelaySettings> | undefined;
}): OutboxRelay {
  const settings = { ...RELAY_DEFAULTS, ...deps.settings };
  let running = true;
  let woken = false;
  let wakeUp: (() => void) | undefined;

  async function sendBatch() {
    return deps.db.transaction(async (tx) => {
      const rows = await claimDueOutboxEvents(tx, settings.batchSize);
      if (rows.length === 0) return 0;
      const ids = rows.map((row) => row.id);
      try {
        await withTimeout(
          deps.send(
            rows.map(({ id, name, data }) => ({ id, name, data: data as OutboxEvent["data"] })),
          ),
          settings.sendTimeoutMs,
        );
        await markOutboxSent(tx, ids);
        return rows.length;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await markOutboxFailed(tx, ids, {
          error: message,
          baseMs: settings.baseDelayMs,
          maxMs: settings.maxDelayMs,
        });
        deps.log.warn({ err: error, events: rows.length }, "sending outbox events failed; put off");
        return rows.length;
      }
    });
  }

  /**
   * Sends a batch if one is due and says how long to sleep: until the next row is due, at
   * most `idleMs`. An idle tick is one query on the partial index of unsent rows.
   */
  async function tick() {
    const dueInMs = await nextOutboxDue(deps.db);
    if (dueInMs === null) return settings.idleMs;
    if (dueInMs > 0) return Math.min(dueInMs, settings.idleMs);
    // Nothing claimed though rows are due: another relay holds them all.
    return (await sendBatch()) === 0 ? HELD_ELSEWHERE_MS : 0;
  }

  const loop = (async () => {
    while (running) {
      woken = false;
      let waitMs = settings.idleMs;
      try {
        waitMs = await tick();
      } catch (error) {
        deps.log.warn({ err: error }, "the outbox relay could not read the outbox");
      }
      if (!running) break;
      if (woken || waitMs === 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
    }
  })();

  return {
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
    },
    backlog: () => outboxBacklog(deps.db),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the event API in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
