import type { DbTarget } from "@brisk/db";
import { seed } from "@brisk/db/seed";
import { type ReplicatedPostgres, startReplicatedPostgres } from "@brisk/db/testing/replica";
import { startTestRedis, type TestRedis } from "@brisk/upstash-bridge/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { internalRequest } from "./request";
import { createRuntime, type Runtime } from "./runtime";
import { signedInRequest, TEST_DASHBOARD_ORIGIN } from "./testing";

// Replicas are checked once a second.
const POLL = { timeout: 10_000, interval: 50 };

let pg: ReplicatedPostgres;
let redis: TestRedis;
const runtimes: Runtime[] = [];

beforeAll(async () => {
  [pg, redis] = await Promise.all([startReplicatedPostgres(), startTestRedis()]);
  const sql = postgres(pg.primaryUrl, { max: 1, onnotice: () => {} });
  await seed(sql, { users: 5, postsPerUser: 3, demo: true });
  await sql.end();
  await pg.caughtUp();
});

afterAll(async () => {
  await Promise.all(runtimes.map((runtime) => runtime.close()));
  await Promise.all([pg?.stop(), redis?.stop()]);
});

/** An api instance over the primary and its replica, counting statements by the pool they ran on. */
async function instance(options: { sharedRedis?: boolean; stickyMs?: number } = {}) {
  const statements: Record<DbTarget, string[]> = { primary: [], replica: [] };
  const runtime = createRuntime({
    service: "test",
    logLevel: "silent",
    database: {
      url: pg.primaryUrl,
      pool: { max: 4, warm: 1 },
      applicationName: `test-replicas-${process.pid}`,
      onQuery: (statement, _params, target) => statements[target].push(statement),
      replicas: {
        urls: [pg.replicaUrl],
        stickyMs: options.stickyMs ?? 30_000,
        redis: options.sharedRedis
          ? { url: redis.restUrl, token: redis.token, timeoutMs: 2_000 }
          : undefined,
      },
    },
    requestTimeoutMs: 5_000,
    exposeErrors: false,
    auth: { dashboardOrigins: [TEST_DASHBOARD_ORIGIN], rateLimitMultiplier: 1 },
  });
  runtimes.push(runtime);
  // Warming checks the replica once: it serves reads from then on.
  await runtime.db.warm();
  const ran = (target: DbTarget, table: string) =>
    statements[target].filter((statement) => statement.includes(`from "${table}"`)).length;
  return {
    runtime,
    statements,
    ran,
    reset() {
      statements.primary.length = 0;
      statements.replica.length = 0;
    },
    anonymous: () => runtime.caller(internalRequest("anonymous")),
    async signIn(userId: number) {
      const { request } = await signedInRequest(runtime, userId);
      return () => runtime.caller(request);
    },
  };
}

describe("read replicas", () => {
  it("answer a read-only call: its statements run on the replica", async () => {
    const api = await instance();
    api.reset();
    const page = await api.anonymous().posts.list({ limit: 5 });
    expect(page.items).toHaveLength(5);
    expect(api.ran("replica", "posts")).toBe(1);
    expect(api.statements.primary).toEqual([]);
  });

  it("send a write to the primary, and that caller's next reads too; others still read the replica", async () => {
    const api = await instance();
    const writer = await api.signIn(1);
    const other = await api.signIn(2);

    api.reset();
    const post = await writer().posts.create({ title: "Read your own write", body: "" });
    expect(api.ran("primary", "posts")).toBeGreaterThan(0);
    expect(api.statements.replica).toEqual([]);

    api.reset();
    // A draft the replica may not have yet: the writer reads it from the primary.
    expect((await writer().posts.byId({ id: post.id })).title).toBe("Read your own write");
    expect(api.ran("primary", "posts")).toBe(1);
    expect(api.statements.replica).toEqual([]);

    api.reset();
    await other().posts.list({ limit: 5 });
    expect(api.ran("replica", "posts")).toBe(1);
    expect(api.ran("primary", "posts")).toBe(0);
  });

  it("keep a writer on the primary on another instance, through Redis", async () => {
    const [a, b] = await Promise.all([
      instance({ sharedRedis: true }),
      instance({ sharedRedis: true }),
    ]);
    const { request } = await signedInRequest(a.runtime, 3);
    const other = await b.signIn(4);

    await a.runtime.caller(request).posts.create({ title: "Written on a", body: "" });

    b.reset();
    await b.runtime.caller(request).posts.list({ limit: 5 });
    expect(b.ran("primary", "posts")).toBe(1);
    expect(b.ran("replica", "posts")).toBe(0);

    b.reset();
    await other().posts.list({ limit: 5 });
    expect(b.ran("replica", "posts")).toBe(1);
  });

  it("leave a replica that lags past the bound until it catches up", async () => {
    // The bound is the sticky window less the second between checks: 1 s here.
    const api = await instance({ stickyMs: 2_000 });
    const standby = postgres(pg.replicaUrl, { max: 1, onnotice: () => {} });
    const primary = postgres(pg.primaryUrl, { max: 1, onnotice: () => {} });
    try {
      await standby`select pg_wal_replay_pause()`;
      await primary`update posts set title = title where id = 1`;
      await expect.poll(() => api.runtime.db.reads?.replicas()[0]?.healthy, POLL).toBe(false);

      api.reset();
      await api.anonymous().posts.list({ limit: 5 });
      expect(api.ran("primary", "posts")).toBe(1);
      expect(api.statements.replica).toEqual([]);
    } finally {
      await standby`select pg_wal_replay_resume()`;
      await Promise.all([standby.end(), primary.end()]);
    }
    await expect.poll(() => api.runtime.db.reads?.replicas()[0]?.healthy, POLL).toBe(true);
    api.reset();
    await api.anonymous().posts.list({ limit: 5 });
    expect(api.ran("replica", "posts")).toBe(1);
  });

  it("answer reads from the primary while the replica is down", async () => {
    const api = await instance();
    await pg.stopReplica();
    try {
      // Whether or not a check has noticed yet: a read that fails on the replica is retried on
      // the primary.
      api.reset();
      expect((await api.anonymous().posts.list({ limit: 5 })).items).toHaveLength(5);
      expect(api.ran("primary", "posts")).toBe(1);

      await expect.poll(() => api.runtime.db.reads?.replicas()[0]?.healthy, POLL).toBe(false);
      api.reset();
      expect((await api.anonymous().posts.list({ limit: 5 })).items).toHaveLength(5);
      expect(api.ran("primary", "posts")).toBe(1);
      expect(api.ran("replica", "posts")).toBe(0);
    } finally {
      await pg.startReplica();
    }
    await expect.poll(() => api.runtime.db.reads?.replicas()[0]?.healthy, POLL).toBe(true);
  });
});
