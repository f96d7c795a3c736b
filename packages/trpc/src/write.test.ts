import { useTestDatabase } from "@brisk/db/testing/database";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Deadline } from "./deadline";
import { internalRequest } from "./request";
import { createCallerFactory, createTRPCRouter, publicProcedure, useTestRuntime } from "./testing";
import { writeWithin } from "./write";

const BUDGET_MS = 2_000;
const database = useTestDatabase();
const test = useTestRuntime(database, { requestTimeoutMs: BUDGET_MS });

beforeAll(async () => {
  // A row whose COMMIT takes `commit_sleep_s`: a deferred trigger runs at commit time.
  await database.handle.sql.unsafe(`
    create table probe (id serial primary key, note text not null, commit_sleep_s float not null default 0);
    create function probe_commit() returns trigger language plpgsql as $$
      begin perform pg_sleep(new.commit_sleep_s); return null; end $$;
    create constraint trigger probe_commit after insert on probe
      deferrable initially deferred for each row execute function probe_commit();`);
});

const insert = (note: string, commitSleepS = 0) =>
  sql`insert into probe (note, commit_sleep_s) values (${note}, ${commitSleepS})`;

async function rows(note: string) {
  const [row] = await database.handle
    .sql`select count(*)::int as n from probe where note = ${note}`;
  return row?.n as number;
}

/** What each procedure's write came to, once its transaction has ended either way. */
const settled = new Map<string, Promise<unknown>>();
const effects: string[] = [];

const router = createTRPCRouter({
  write: publicProcedure
    .input(
      z.object({
        note: z.string(),
        workMs: z.number().default(0),
        commitSleepS: z.number().default(0),
        statementSleepS: z.number().default(0),
        fail: z.boolean().default(false),
      }),
    )
    .mutation(({ ctx, input }) => {
      const write = writeWithin(ctx, async (tx, afterCommit) => {
        await tx.execute(insert(input.note, input.commitSleepS));
        afterCommit(async () => {
          effects.push(`${input.note}: ${await rows(input.note)} row`);
        });
        if (input.statementSleepS) await tx.execute(sql`select pg_sleep(${input.statementSleepS})`);
        await new Promise((resolve) => setTimeout(resolve, input.workMs));
        if (input.fail) throw new Error("the work failed");
        return "saved";
      });
      settled.set(
        input.note,
        write.catch(() => {}),
      );
      return write;
    }),
});
const call = () => createCallerFactory(router)(test.runtime.createContext(internalRequest("t")));

describe("Deadline", () => {
  it("lets exactly one of commit and expiry claim the call", () => {
    let now = 0;
    const first = new Deadline(100, () => now);
    expect(first.claimCommit()).toBe(true);
    expect(first.claimExpiry()).toBe(false);
    const second = new Deadline(100, () => now);
    now = 150;
    expect(second.remainingMs()).toBe(0);
    expect(second.claimExpiry()).toBe(true);
    expect(second.claimCommit()).toBe(false);
  });
});

describe("writeWithin under the call's deadline", () => {
  it("answers 503 when the work outlives the deadline, and the write never lands", async () => {
    const note = "work too slow";
    await expect(call().write({ note, workMs: BUDGET_MS + 1_000 })).rejects.toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      message: "The database is unavailable; nothing was saved. Retry shortly.",
    });
    await settled.get(note);
    expect(await rows(note)).toBe(0);
    expect(effects.filter((e) => e.startsWith(note))).toEqual([]);
  });

  it("answers 200 when the commit was claimed in time but ends after the deadline", async () => {
    const note = "slow commit";
    // Claimed at 0.8 s; the commit takes 1.6 s (under its statement timeout of about 2 s) and
    // ends at about 2.4 s, past the 2 s deadline. Its real outcome is awaited, not a 503.
    expect(await call().write({ note, workMs: 800, commitSleepS: 1.6 })).toBe("saved");
    expect(await rows(note)).toBe(1);
    expect(effects).toContain(`${note}: 1 row`);
  });

  it("cancels a statement that would outlive the deadline, and answers 503", async () => {
    const note = "slow statement";
    await expect(call().write({ note, statementSleepS: 30 })).rejects.toMatchObject({
      code: "SERVICE_UNAVAILABLE",
    });
    // Postgres stops the statement (statement_timeout): it does not hold its connection for 30 s.
    await settled.get(note);
    const [sleeping] = await database.handle.sql`
      select count(*)::int as n from pg_stat_activity where query like 'select pg_sleep%'`;
    expect(sleeping?.n).toBe(0);
    expect(await rows(note)).toBe(0);
  });
});

describe("effects after commit", () => {
  it("run once the transaction has committed, seeing its rows", async () => {
    expect(await call().write({ note: "committed" })).toBe("saved");
    expect(effects).toContain("committed: 1 row");
  });

  it("do not run for a write that rolls back", async () => {
    await expect(call().write({ note: "rolled back", fail: true })).rejects.toThrow(
      "the work failed",
    );
    expect(await rows("rolled back")).toBe(0);
    expect(effects.filter((e) => e.startsWith("rolled back"))).toEqual([]);
  });
});
