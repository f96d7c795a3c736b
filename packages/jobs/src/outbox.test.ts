import { createDb, type DbHandle } from "@brisk/db";
import { useTestDatabase } from "@brisk/db/testing/database";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createInngestClient, type JobsLogger } from "./client";
import { type OutboxRelay, recordEvent, startOutboxRelay } from "./outbox";
import { type EventReceiver, startEventReceiver } from "./testing";

const database = useTestDatabase();
const quiet: JobsLogger = { info() {}, warn() {}, error() {}, debug() {} };
const FAST = { baseDelayMs: 20, maxDelayMs: 200, idleMs: 100, sendTimeoutMs: 5_000 };

let receiver: EventReceiver;
const relays: OutboxRelay[] = [];
const pools: DbHandle[] = [];

beforeAll(async () => {
  receiver = await startEventReceiver();
});
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  await database.handle.sql`delete from outbox`;
  receiver.received.length = 0;
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  await receiver.stop();
});

/** A relay as a runtime starts one: its own pool, the real Inngest client in dev mode. */
function startRelay(batchSize = 100) {
  const pool = createDb({ url: database.url, pool: { max: 3, warm: 0 } });
  pools.push(pool);
  const client = createInngestClient({ mode: "dev", url: receiver.url }, quiet);
  const sent = { events: 0 };
  const relay = startOutboxRelay({
    db: pool.db,
    log: quiet,
    settings: { ...FAST, batchSize },
    send: async (events) => {
      await client.send(events);
      sent.events += events.length;
    },
  });
  relays.push(relay);
  return Object.assign(relay, { sent });
}

async function record(count: number) {
  const ids: string[] = [];
  await database.handle.db.transaction(async (tx) => {
    for (let userId = 1; userId <= count; userId++) {
      ids.push(await recordEvent(tx, { name: "user/signed-up", data: { userId } }));
    }
  });
  return ids;
}

async function until<T>(probe: () => Promise<T> | T, done: (value: T) => boolean, what: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const unsent = async () =>
  (await database.handle.sql`select count(*)::int as n from outbox where sent_at is null`)[0]!
    .n as number;

/** How many times each id reached the event API. */
function deliveries() {
  const counts = new Map<string, number>();
  for (const event of receiver.received) counts.set(event.id!, (counts.get(event.id!) ?? 0) + 1);
  return counts;
}

describe("recordEvent", () => {
  it("writes the event in the caller's transaction, and nothing when it rolls back", async () => {
    const [kept] = await record(1);
    const rolledBack = await database.handle.db
      .transaction(async (tx) => {
        await recordEvent(tx, { name: "user/signed-up", data: { userId: 2 } });
        throw new Error("the write fails after recording its event");
      })
      .catch((error: Error) => error.message);
    expect(rolledBack).toBe("the write fails after recording its event");
    const rows = await database.handle.sql`select id, name, data, sent_at from outbox`;
    expect(rows).toEqual([
      { id: kept, name: "user/signed-up", data: { userId: 1 }, sent_at: null },
    ]);
  });

  it("refuses data its event's schema does not accept", async () => {
    await expect(
      database.handle.db.transaction((tx) =>
        recordEvent(tx, { name: "user/signed-up", data: { userId: -1 } }),
      ),
    ).rejects.toThrow();
    expect(await unsent()).toBe(0);
  });
});

describe("the outbox relay", () => {
  it("sends recorded events to the event API with the row's id as the event id", async () => {
    const relay = startRelay();
    const ids = await record(3);
    relay.wake();
    await until(unsent, (n) => n === 0, "the events to be sent");
    expect(receiver.received.map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(receiver.received.map((e) => e.name)).toEqual(Array(3).fill("user/signed-up"));
  });

  it("keeps events while the event API is down, with backoff, and delivers each once after", async () => {
    await receiver.stop();
    try {
      startRelay();
      const ids = await record(5);
      const failed = await until(
        () => database.handle.sql`
          select attempts, last_error, next_attempt_at > created_at as put_off, sent_at
          from outbox where attempts >= 2`,
        (rows) => rows.length === 5,
        "two failed attempts of every event",
      );
      for (const row of failed) {
        expect(row.sent_at).toBeNull();
        expect(row.put_off).toBe(true);
        expect(row.last_error).toMatch(/fetch failed|ECONNREFUSED|event API/);
      }
      expect(receiver.received).toEqual([]);

      await receiver.start();
      await until(unsent, (n) => n === 0, "the backlog to be sent");
      expect([...deliveries().keys()].sort()).toEqual([...ids].sort());
      expect([...deliveries().values()].every((n) => n === 1)).toBe(true);
    } finally {
      await receiver.start();
    }
  });

  it("never sends one row twice when two relays share the database", async () => {
    const ids = await record(300);
    // Small batches, so both relays claim again and again while the other holds rows.
    const a = startRelay(10);
    const b = startRelay(10);
    a.wake();
    b.wake();
    await until(unsent, (n) => n === 0, "every event to be sent");
    const counts = deliveries();
    expect(counts.size).toBe(300);
    expect([...counts.keys()].sort()).toEqual([...ids].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // Both took part: each skipped the rows the other held, rather than one doing all.
    expect(a.sent.events).toBeGreaterThan(0);
    expect(b.sent.events).toBeGreaterThan(0);
    expect(a.sent.events + b.sent.events).toBe(300);
  });

  it("finishes its batch in hand on stop and sends nothing after", async () => {
    const relay = startRelay();
    await relay.stop();
    relays.splice(relays.indexOf(relay), 1);
    await record(2);
    expect(await relay.backlog()).toMatchObject({ unsent: 2 });
    expect(receiver.received).toEqual([]);
  });
});
