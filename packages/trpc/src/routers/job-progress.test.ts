import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type JobProgressEvent,
  lastJobProgressId,
  recordJobProgress,
} from "@brisk/db/queries/job-progress";
import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { type LocalExecutor, spawnLocalExecutor } from "@brisk/jobs/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { internalRequest, type RequestInfo } from "../request";
import { createCaller } from "../router";
import type { Runtime } from "../runtime";
import { createTestRuntime, signedInRequest, useTestRuntime } from "../testing";

async function freePort() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until<T>(what: string, read: () => T | undefined | Promise<T | undefined>) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const executorUrl = `http://127.0.0.1:${await freePort()}`;

const database = useTestDatabase();
const holder = useTestRuntime(database, {
  telemetry: { perCall: false },
  jobs: {
    inngest: { mode: "dev", url: executorUrl },
    email: { transport: "mailbox", from: "Brisk <no-reply@brisk.localhost>" },
    relay: { idleMs: 100 },
  },
});
let admin: RequestInfo;
let member: RequestInfo;
let serve: Server;
let executor: LocalExecutor;
let other: Runtime;
const subscriptions: Array<{ stop(): Promise<void> }> = [];

/**
 * `jobs.progress` as `request`, from `lastEventId` when given: what it yields is collected until
 * `stop()` aborts it as a closed connection would.
 */
async function subscribe(
  runtime: Runtime,
  request: RequestInfo,
  input: { runId?: string; subject?: string; lastEventId?: string } = {},
) {
  const abort = new AbortController();
  const caller = createCaller(runtime.createContext(request), { signal: abort.signal });
  const events = await caller.jobs.progress(input);
  const received: Array<{ id: string; event: JobProgressEvent }> = [];
  const done = (async () => {
    // In process, a tracked event is tRPC's envelope as yielded: [id, data, marker].
    for await (const envelope of events) {
      const [id, event] = envelope as unknown as [string, JobProgressEvent];
      received.push({ id, event });
    }
  })();
  const subscription = {
    received,
    async stop() {
      abort.abort();
      await done;
    },
  };
  subscriptions.push(subscription);
  return subscription;
}

const step = (runId: string, ownerId: number | null, done = 1) => ({
  runId,
  functionId: "test-function",
  ownerId,
  subject: `test:${runId}`,
  kind: "step" as const,
  done,
  total: 5,
  label: `step ${done}`,
});

beforeAll(async () => {
  await seed(database.handle.sql, { users: 3, postsPerUser: 1, demo: true });
  admin = (await signedInRequest(holder.runtime, 1)).request;
  member = (await signedInRequest(holder.runtime, 2)).request;
  other = createTestRuntime(database);
  serve = createServer(holder.runtime.jobs!.handler);
  await new Promise<void>((resolve) => serve.listen(0, "127.0.0.1", resolve));
  const serveUrl = `http://127.0.0.1:${(serve.address() as AddressInfo).port}/api/inngest`;
  executor = spawnLocalExecutor({
    databaseUrl: database.url,
    port: Number(new URL(executorUrl).port),
  });
  await until("the executor to sync the app", async () => {
    const response = await fetch(serveUrl, { method: "PUT" }).catch(() => undefined);
    return response?.ok ? true : undefined;
  });
}, 60_000);

afterAll(async () => {
  await Promise.all(subscriptions.map((s) => s.stop()));
  await other?.close();
  await executor?.stop();
  await new Promise<void>((resolve) => (serve ? serve.close(() => resolve()) : resolve()));
});

describe("jobs.progress", () => {
  it("follows a real run through the executor, step by step, as its owner and as an admin", async () => {
    const from = String(await lastJobProgressId(holder.runtime.db.db));
    const asAdmin = await subscribe(holder.runtime, admin, { lastEventId: from });
    const asOwner = await subscribe(holder.runtime, member, { lastEventId: from });
    // The welcome email of user 2: a one-step run, watched by user 2.
    await holder.runtime.jobs!.client.send({ name: "user/signed-up", data: { userId: 2 } });
    const kinds = (s: typeof asAdmin) => s.received.map((r) => r.event.kind);
    await until("the run's completion", () =>
      kinds(asOwner).includes("completed") ? true : undefined,
    );
    expect(kinds(asOwner)).toEqual(["started", "step", "completed"]);
    const [started, sent, completed] = asOwner.received.map((r) => r.event);
    expect(started).toMatchObject({
      functionId: "send-welcome-email",
      ownerId: 2,
      done: 0,
      total: 1,
    });
    expect(sent).toMatchObject({ runId: started!.runId, done: 1, total: 1, label: "send" });
    expect(completed).toMatchObject({ runId: started!.runId, done: 1, total: 1 });
    // Ids are the SSE event ids, increasing.
    const ids = asOwner.received.map((r) => Number(r.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    await until("the admin's copy", () => (asAdmin.received.length >= 3 ? true : undefined));
    expect(asAdmin.received.slice(0, 3)).toEqual(asOwner.received);

    // The Jobs page renders where each run stands, under the executor's run id, and the
    // cursor its subscription starts from.
    const jobs = createCaller(holder.runtime.createContext(admin)).jobs;
    const list = await until("the run in the list", async () => {
      const answer = await jobs.list({ limit: 20 });
      return answer.runs.some((run) => run.id === started!.runId) ? answer : undefined;
    });
    expect(list.progress).toContainEqual(completed);
    expect(Number(list.progressCursor)).toBeGreaterThanOrEqual(completed!.id);
    expect((await jobs.byId({ id: started!.runId })).progress).toEqual([completed]);
  });

  it("delivers what one instance records to a subscriber of another (LISTEN/NOTIFY)", async () => {
    const from = String(await lastJobProgressId(holder.runtime.db.db));
    const elsewhere = await subscribe(other, admin, { lastEventId: from });
    const first = await recordJobProgress(holder.runtime.db.db, step("run-a", null, 1));
    await until("the first event", () => (elsewhere.received.length === 1 ? true : undefined));
    // Caught up: from here on, only the notification can bring an event.
    const second = await recordJobProgress(holder.runtime.db.db, step("run-a", null, 2));
    await until("the second event", () => (elsewhere.received.length === 2 ? true : undefined));
    expect(elsewhere.received.map((r) => r.event)).toEqual([first, second]);
    expect(other.progress.subscribers).toBe(1);
    await elsewhere.stop();
    expect(other.progress.subscribers).toBe(0);
  });

  it("LISTENs on a connection of its own when given one (PgBouncer's transaction mode cannot)", async () => {
    const applicationName = `listen-test-${process.pid}`;
    const direct = createTestRuntime(database, {
      database: { applicationName, listenUrl: database.url },
    });
    try {
      const from = String(await lastJobProgressId(holder.runtime.db.db));
      const followed = await subscribe(direct, admin, { lastEventId: from });
      const event = await recordJobProgress(holder.runtime.db.db, step("run-l", null, 1));
      await until("the event", () => (followed.received.length === 1 ? true : undefined));
      expect(followed.received.map((r) => r.event)).toEqual([event]);
      const listening = await database.handle.sql<{ query: string }[]>`
        select query from pg_stat_activity where application_name = ${`${applicationName}/listen`}`;
      expect(listening.map((r) => r.query.toLowerCase())).toEqual([
        expect.stringContaining("listen"),
      ]);
      await followed.stop();
    } finally {
      await direct.close();
    }
  });

  it("resumes after a reconnect with exactly the events missed, in order, then live ones", async () => {
    const db = holder.runtime.db.db;
    const seen = await recordJobProgress(db, step("run-b", 2, 1));
    const missed = [
      await recordJobProgress(db, step("run-b", 2, 2)),
      await recordJobProgress(db, step("run-b", 2, 3)),
    ];
    const resumed = await subscribe(holder.runtime, member, {
      runId: "run-b",
      lastEventId: String(seen.id),
    });
    await until("the missed events", () => (resumed.received.length === 2 ? true : undefined));
    const live = await recordJobProgress(db, step("run-b", 2, 4));
    await until("the live event", () => (resumed.received.length === 3 ? true : undefined));
    expect(resumed.received.map((r) => r.event)).toEqual([...missed, live]);
    expect(resumed.received.map((r) => r.id)).toEqual([...missed, live].map((e) => String(e.id)));
  });

  it("catches up after the LISTEN connection was lost", async () => {
    const db = holder.runtime.db.db;
    const from = String(await lastJobProgressId(db));
    const watcher = await subscribe(holder.runtime, admin, { lastEventId: from });
    await recordJobProgress(db, step("run-c", null, 1));
    await until("the first event", () => (watcher.received.length === 1 ? true : undefined));
    // The listener's backend goes away; what is recorded meanwhile comes all the same.
    await database.handle.sql`
      select pg_terminate_backend(pid) from pg_stat_activity
      where query ilike 'listen%brisk_job_progress%' and datname = current_database()`;
    const during = await recordJobProgress(db, step("run-c", null, 2));
    await until("the event recorded while disconnected", () =>
      watcher.received.some((r) => r.event.id === during.id) ? true : undefined,
    );
    const after = await recordJobProgress(db, step("run-c", null, 3));
    await until("a live event after", () =>
      watcher.received.some((r) => r.event.id === after.id) ? true : undefined,
    );
    expect(watcher.received.map((r) => r.event.done)).toEqual([1, 2, 3]);
  });

  it("shows a member only their own runs, and refuses anonymous callers", async () => {
    const db = holder.runtime.db.db;
    const from = String(await lastJobProgressId(db));
    const mine = await subscribe(holder.runtime, member, { lastEventId: from });
    const all = await subscribe(holder.runtime, admin, { lastEventId: from });
    const oneThing = await subscribe(holder.runtime, admin, {
      lastEventId: from,
      subject: "test:run-e",
    });
    await recordJobProgress(db, step("run-d", 3, 1));
    await recordJobProgress(db, step("run-d", null, 1));
    const own = await recordJobProgress(db, step("run-e", 2, 1));
    await until("the admin's three", () => (all.received.length === 3 ? true : undefined));
    await until("the member's own", () => (mine.received.length === 1 ? true : undefined));
    expect(mine.received.map((r) => r.event)).toEqual([own]);
    await until("the subject's one", () => (oneThing.received.length === 1 ? true : undefined));
    expect(oneThing.received.map((r) => r.event)).toEqual([own]);
    // Open streams are a gauge: these three and those earlier tests left open.
    const open = holder.runtime.progress.subscribers;
    expect(open).toBeGreaterThanOrEqual(3);
    expect(
      await holder.runtime.metrics!.registry.getSingleMetricAsString(
        "brisk_job_progress_subscribers",
      ),
    ).toContain(`brisk_job_progress_subscribers ${open}`);
    await expect(
      createCaller(holder.runtime.createContext(internalRequest("anonymous"))).jobs.progress({}),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(
      createCaller(holder.runtime.createContext(member)).jobs.progress({ lastEventId: "x1" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
