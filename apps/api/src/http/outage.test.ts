import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDb, type DbHandle, runMigrations } from "@brisk/db";
import { type EmbeddedPostgresHandle, freePort, startEmbeddedPostgres } from "@brisk/db/embedded";
import { seed } from "@brisk/db/seed";
import pino from "pino";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCache } from "../cache/cache";
import { createContextFactory } from "../trpc/context";
import { appRouter } from "../trpc/router";
import { createApiServer } from "./server";

// This file runs its own Postgres, because it stops and restarts it.
const dataDir = path.join(os.tmpdir(), `brisk-outage-${process.pid}`);
const DEADLINE_MS = 1_000;
let port: number;
let pg: EmbeddedPostgresHandle;
let pool: DbHandle;
let api: ReturnType<typeof createApiServer>;
let base: string;

async function startPostgres() {
  pg = await startEmbeddedPostgres({ dataDir, persistent: true, port });
}

beforeAll(async () => {
  port = await freePort();
  await startPostgres();
  const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  await admin`create database brisk`;
  await admin.end();
  await runMigrations(pg.urlFor("brisk"));
  pool = createDb({ url: pg.urlFor("brisk"), pool: { max: 2, warm: 2, connectTimeoutS: 2 } });
  await seed(pool.sql, { users: 5 });
  const log = pino({ level: "silent" });
  api = createApiServer({
    router: appRouter,
    createContext: createContextFactory({
      db: pool.db,
      cache: createCache({}),
      log,
      requestTimeoutMs: DEADLINE_MS,
      exposeErrors: false,
    }),
    log,
    readiness: { sql: pool.sql },
  });
  base = `http://127.0.0.1:${await api.listen(0, "127.0.0.1")}/trpc`;
}, 60_000);

afterAll(async () => {
  await api?.drain(1_000);
  await pool?.close(1);
  await pg?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const getUser = () => fetch(`${base}/users.byId?input=${encodeURIComponent('{"id":1}')}`);
const createPost = (title: string) =>
  fetch(`${base}/posts.create`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ authorId: 1, title, body: "" }),
  });

async function timed<T>(work: () => Promise<T>) {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

async function countPosts(title: string) {
  const [row] = await pool.sql`select count(*)::int as n from posts where title = ${title}`;
  return row?.n as number;
}

describe("when the pool is exhausted", () => {
  it("answers 503 with Retry-After within the deadline, and a refused write never lands", async () => {
    // Both connections busy for longer than the deadline.
    const hogs = [
      pool.sql`select pg_sleep(2.5)`.execute(),
      pool.sql`select pg_sleep(2.5)`.execute(),
    ];
    await new Promise((r) => setTimeout(r, 100));

    const read = await timed(getUser);
    expect(read.value.status).toBe(503);
    expect(read.value.headers.get("retry-after")).toBe("2");
    expect(read.ms).toBeLessThan(DEADLINE_MS + 2_500);

    const write = await timed(() => createPost("queued behind the hogs"));
    expect(write.value.status).toBe(503);
    const body = (await write.value.json()) as { error: { message: string } };
    expect(body.error.message).toContain("nothing was saved");

    await Promise.all(hogs);
    await new Promise((r) => setTimeout(r, 300));
    // The write's transaction started once a connection freed, found its deadline gone, and rolled back.
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
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await getUser()).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    expect((await createPost("written after recovery")).status).toBe(200);
    expect(await countPosts("written while down")).toBe(0);
    expect(await countPosts("written after recovery")).toBe(1);
  });
});
