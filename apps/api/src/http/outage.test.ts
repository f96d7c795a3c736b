import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runMigrations } from "@brisk/db";
import { type EmbeddedPostgresHandle, freePort, startEmbeddedPostgres } from "@brisk/db/embedded";
import { seed } from "@brisk/db/seed";
import { appRouter, createRuntime, type Runtime } from "@brisk/trpc";
import { signedInRequest, TEST_DASHBOARD_ORIGIN } from "@brisk/trpc/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiServer } from "./server";

// This file runs its own Postgres, because it stops and restarts it.
const dataDir = path.join(os.tmpdir(), `brisk-outage-${process.pid}`);
const DEADLINE_MS = 1_000;
const APP = "outage-test";
let port: number;
let pg: EmbeddedPostgresHandle;
let runtime: Runtime;
let api: ReturnType<typeof createApiServer>;
let base: string;
/** A session of user 1: writes need one. */
let token: string;
/** A connection of the test's own, apart from the api's pool of two. */
let observer: postgres.Sql;

async function startPostgres() {
  pg = await startEmbeddedPostgres({ dataDir, persistent: true, port });
}

beforeAll(async () => {
  port = await freePort();
  await startPostgres();
  const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  await admin`create database brisk`;
  await admin.end();
  const url = pg.urlFor("brisk");
  await runMigrations(url);
  runtime = createRuntime({
    service: "test",
    logLevel: "silent",
    database: { url, pool: { max: 2, warm: 2, connectTimeoutS: 2 }, applicationName: APP },
    requestTimeoutMs: DEADLINE_MS,
    exposeErrors: false,
    auth: { dashboardOrigins: [TEST_DASHBOARD_ORIGIN], rateLimitMultiplier: 1 },
  });
  await seed(runtime.db.sql, { users: 5 });
  ({ token } = await signedInRequest(runtime, 1));
  api = createApiServer({
    router: appRouter,
    createContext: runtime.createContext,
    log: runtime.log,
    readiness: { sql: runtime.db.sql, isWarm: () => true },
  });
  base = `http://127.0.0.1:${await api.listen(0, "127.0.0.1")}/trpc`;
  observer = postgres(url, { max: 1, onnotice: () => {}, idle_timeout: 1 });
}, 60_000);

afterAll(async () => {
  await api?.drain(1_000);
  await observer?.end({ timeout: 1 });
  await runtime?.db.close(1);
  await pg?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function until(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The api pool's connections as Postgres sees them. */
async function poolConnections() {
  return observer<{ state: string; query: string; inTransaction: boolean }[]>`
    select state, query, xact_start is not null as "inTransaction"
    from pg_stat_activity where application_name = ${APP}`;
}

const getUser = () => fetch(`${base}/users.byId?input=${encodeURIComponent('{"id":1}')}`);
const createPost = (title: string) =>
  fetch(`${base}/posts.create`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ title, body: "" }),
  });

async function timed<T>(work: () => Promise<T>) {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

async function countPosts(title: string) {
  const [row] = await observer`select count(*)::int as n from posts where title = ${title}`;
  return row?.n as number;
}

describe("when the pool is exhausted", () => {
  it("answers 503 with Retry-After within the deadline, and a refused write never lands", async () => {
    // Both connections busy for longer than the deadline.
    const hogs = [
      runtime.db.sql`select pg_sleep(2.5)`.execute(),
      runtime.db.sql`select pg_sleep(2.5)`.execute(),
    ];
    await until(async () => {
      const busy = (await poolConnections()).filter((c) => c.query.includes("pg_sleep"));
      return busy.length === 2 && busy.every((c) => c.state === "active");
    });

    const read = await timed(getUser);
    expect(read.value.status).toBe(503);
    expect(read.value.headers.get("retry-after")).toBe("2");
    expect(read.ms).toBeLessThan(DEADLINE_MS + 2_500);

    const write = await timed(() => createPost("queued behind the hogs"));
    expect(write.value.status).toBe(503);
    const body = (await write.value.json()) as { error: { message: string } };
    expect(body.error.message).toContain("nothing was saved");

    await Promise.all(hogs);
    // The queued write gets a connection before a read queued after it: once this read has
    // answered, the write's transaction has begun, and once no connection is in a transaction
    // it has ended. It found its deadline gone and rolled back.
    expect((await getUser()).status).toBe(200);
    await until(async () => (await poolConnections()).every((c) => !c.inTransaction));
    expect(await countPosts("queued behind the hogs")).toBe(0);
    expect((await getUser()).status).toBe(200);
  });
});

describe("when Postgres goes away and comes back", () => {
  it("answers 503 within the deadline, then 200 again without a restart", async () => {
    expect((await getUser()).status).toBe(200);
    await pg.stop();

    const read = await timed(getUser);
    expect(read.value.status).toBe(503);
    expect(read.value.headers.get("retry-after")).toBe("2");
    expect(read.ms).toBeLessThan(DEADLINE_MS + 2_500);

    const write = await createPost("written while down");
    expect(write.status).toBe(503);

    await startPostgres();
    await until(async () => (await getUser()).status === 200);
    expect((await createPost("written after recovery")).status).toBe(200);
    expect(await countPosts("written while down")).toBe(0);
    expect(await countPosts("written after recovery")).toBe(1);
  });
});
