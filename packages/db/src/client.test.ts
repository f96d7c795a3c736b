import { createTestDatabase } from "@brisk/db/testing";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, dbPoolEnv, poolOptionsFromEnv } from "./client";
import { TEMPLATE_URL } from "./testing/provided";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase(inject(TEMPLATE_URL));
});
afterAll(() => database.drop());

describe("createDb", () => {
  it("opens the warm connections at boot and no more than max", async () => {
    const handle = createDb({
      url: database.url,
      pool: { max: 8, warm: 5 },
      applicationName: "pool-test",
    });
    const countOpen = async () => {
      const [row] = await handle.sql`
        select count(*)::int as n from pg_stat_activity where application_name = 'pool-test'`;
      return row?.n as number;
    };
    try {
      await handle.warm();
      expect(await countOpen()).toBe(5);
      await Promise.all(Array.from({ length: 30 }, () => handle.sql`select pg_sleep(0.05)`));
      expect(await countOpen()).toBeLessThanOrEqual(8);
    } finally {
      await handle.close();
    }
  });

  it("times every statement Drizzle runs and reports the pool's use", async () => {
    const timed: { statement: string; seconds: number; ok: boolean }[] = [];
    const handle = createDb({
      url: database.url,
      pool: { max: 3, warm: 0 },
      applicationName: "usage-test",
      onStatement: (statement, seconds, ok) => timed.push({ statement, seconds, ok }),
    });
    try {
      await handle.db.execute(sql`select 1`);
      await handle.db.execute(sql`select nope`).catch(() => {});
      expect(timed.map((t) => [t.statement, t.ok])).toEqual([
        ["select 1", true],
        ["select nope", false],
      ]);
      expect(timed.every((t) => t.seconds >= 0 && t.seconds < 5)).toBe(true);

      // Five statements on three connections: three busy, two waiting. They wait on a lock
      // the test holds, so they stay that way until it lets go, however slow the machine.
      const holder = postgres(database.url, { max: 1, onnotice: () => {} });
      await holder`select pg_advisory_lock(4242)`;
      // Drizzle queries are lazy; Promise.all starts them.
      const blocked = Promise.all(
        Array.from({ length: 5 }, () => handle.db.execute(sql`select pg_advisory_xact_lock(4242)`)),
      );
      await expect
        .poll(() => handle.usage(), { timeout: 10_000 })
        .toMatchObject({ max: 3, inFlight: 5, busy: 3, idle: 0, waiting: 2 });
      await holder`select pg_advisory_unlock(4242)`;
      await holder.end();
      await blocked;
      expect(await handle.usage()).toMatchObject({ inFlight: 0, busy: 0, waiting: 0 });
    } finally {
      await handle.close();
    }
  });

  it("reads pool settings from env with the documented defaults", () => {
    expect(poolOptionsFromEnv(dbPoolEnv.parse({}))).toEqual({
      prepare: true,
      max: 50,
      warm: 10,
      connectTimeoutS: 10,
      idleTimeoutS: 600,
      maxLifetimeS: 3_600,
    });
    expect(() => dbPoolEnv.parse({ DB_POOL_MAX: "0" })).toThrow();
    expect(poolOptionsFromEnv(dbPoolEnv.parse({ DB_POOL_MAX: "4", DB_POOL_WARM: "9" })).warm).toBe(
      4,
    );
  });
});
