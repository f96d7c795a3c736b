import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { formatCount, type ReportResult } from "@brisk/jobs";
import { type LocalExecutor, spawnLocalExecutor } from "@brisk/jobs/testing";
import { createProviderSimulator, DEFAULT_KEYS } from "@brisk/provider-simulator";
import { PROVIDER_NAMES } from "@brisk/providers";
import { signedInRequest, TEST_DASHBOARD_ORIGIN } from "@brisk/trpc/testing";
import { PDFParse } from "pdf-parse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callProcedure, startTestApi } from "../testing";

/**
 * Reports end to end with every part real: procedures over HTTP, the outbox, the executor's
 * CLI running `generate-report` through apps/api's serve endpoint, the provider simulator
 * with faults set through it, the PDF read back through `GET /reports/<id>/pdf` and its text
 * extracted.
 */
async function freePort() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until<T>(what: string, read: () => Promise<T | undefined>, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const executorUrl = `http://127.0.0.1:${await freePort()}`;
const database = useTestDatabase();
const simulator = createProviderSimulator();
const ADMIN = 1;
const MEMBER = 2;
const OTHER_MEMBER = 3;
// The seed writes its posts around 2025-01-01.
const RANGE = { from: "2024-12-01", to: "2025-01-31" };

let api: Awaited<ReturnType<typeof startTestApi>>;
let executor: LocalExecutor;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "brisk-reports-"));
  const simulatorUrl = `http://127.0.0.1:${await simulator.listen(0)}`;
  await seed(database.handle.sql, { users: 5, postsPerUser: 4, demo: true });
  api = await startTestApi(database, {
    jobs: {
      inngest: { mode: "dev", url: executorUrl },
      email: { transport: "mailbox", from: "Brisk <no-reply@brisk.test>" },
      relay: { baseDelayMs: 20, maxDelayMs: 200, idleMs: 100 },
      media: { storage: { dir } },
    },
    providers: {
      providers: Object.fromEntries(
        PROVIDER_NAMES.map((name) => [
          name,
          { baseUrl: `${simulatorUrl}/${name}`, apiKey: DEFAULT_KEYS[name], timeoutMs: 3_000 },
        ]),
      ) as never,
      concurrency: 8,
      // The breaker has its own tests; here a failing provider must reach every step attempt.
      breaker: { failureThreshold: 1_000, cooldownMs: 100 },
      retry: { maxRetries: 1, baseMs: 10, maxMs: 20 },
      cache: false,
      freshMs: 60_000,
    },
  });
  executor = spawnLocalExecutor({
    databaseUrl: database.url,
    port: Number(new URL(executorUrl).port),
    backoffMs: 20,
  });
  await until("the executor to sync the app", async () => {
    const response = await fetch(`${api.origin}/api/inngest`, { method: "PUT" });
    return response.ok ? true : undefined;
  });
}, 90_000);

afterAll(async () => {
  await executor?.stop();
  await api?.stop();
  await simulator.close();
  await rm(dir, { recursive: true, force: true });
});

const bearer = async (userId: number) => ({
  authorization: `Bearer ${(await signedInRequest(api.runtime, userId)).token}`,
});

async function call<T>(userId: number | null, procedure: string, input?: unknown) {
  const headers = userId === null ? {} : await bearer(userId);
  const answer = await callProcedure(api.base, procedure, input, headers);
  return { status: answer.status, data: answer.body?.result?.data as T, text: answer.text };
}

async function order(userId: number, input: Record<string, unknown>) {
  const answer = await call<{ id: number }>(userId, "reports.order", { ...RANGE, ...input });
  expect(answer.status, answer.text).toBe(200);
  return answer.data.id;
}

interface Shown {
  id: number;
  status: string;
  error: string | null;
  result: ReportResult | null;
  pdfUrl: string | null;
}

async function finished(id: number) {
  return until(`report ${id} to finish`, async () => {
    const { data } = await call<Shown>(ADMIN, "reports.byId", { id });
    return data && (data.status === "done" || data.status === "failed") ? data : undefined;
  });
}

async function pdfText(id: number, userId = ADMIN) {
  const res = await fetch(`${api.origin}/reports/${id}/pdf`, { headers: await bearer(userId) });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/pdf");
  const parser = new PDFParse({ data: new Uint8Array(await res.arrayBuffer()) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

describe("a report", () => {
  it("runs to a PDF with the author's name, our numbers and the providers', and an email", async () => {
    simulator.clearFaults();
    const id = await order(MEMBER, {});
    const report = await finished(id);
    expect(report).toMatchObject({ status: "done", error: null, pdfUrl: `/reports/${id}/pdf` });
    const result = report.result!;
    expect(result.lost).toEqual([]);
    expect(result.ours.posts).toBeGreaterThan(0);

    const [author] = await database.handle.sql<{ name: string; email: string }[]>`
      select name, email from users where id = ${MEMBER}`;
    const text = await pdfText(id, MEMBER);
    expect(text).toContain(author!.name);
    expect(text).toContain(`Posts: ${formatCount(result.ours.posts)}`);
    expect(text).toContain(`Words: ${formatCount(result.ours.words)}`);
    const views = result.providers.pageviews;
    expect(views.status).toBe("ok");
    if (views.status === "ok") expect(text).toContain(`${formatCount(views.figures.views)} views`);
    const revenue = result.providers.revenue;
    if (revenue.status === "ok") expect(text).toContain(`USD`);

    // The email is the run's last step, after the report is marked done.
    const emails = await until("the report-ready email", async () => {
      const rows = await database.handle.sql<{ to: string; text: string }[]>`
        select "to", text from emails where idempotency_key = ${`report-ready:${id}`}`;
      return rows.length > 0 ? rows : undefined;
    });
    expect(emails).toHaveLength(1);
    expect(emails[0]!.to).toBe(author!.email);
    expect(emails[0]!.text).toContain(`${TEST_DASHBOARD_ORIGIN}/reports/${id}/pdf`);

    // Live progress under the report's subject, owned by the member, to the end.
    const progress = await until("the run to complete", async () => {
      const rows = await database.handle.sql<{ kind: string; owner_id: number }[]>`
        select kind, owner_id from job_progress where subject = ${`report:${id}`} order by id`;
      return rows.at(-1)?.kind === "completed" ? rows : undefined;
    });
    expect(progress[0]).toMatchObject({ kind: "started", owner_id: MEMBER });
    expect(progress.at(-1)).toMatchObject({ kind: "completed" });
  }, 90_000);

  it("retries a provider's step alone when it fails twice, then has its figures", async () => {
    simulator.clearFaults();
    // A malformed body is not retried by the HTTP layer (it would fail again): the step is.
    simulator.setFault("search", { kind: "malformed", times: 2 });
    const id = await order(MEMBER, {});
    const report = await finished(id);
    expect(report.status).toBe("done");
    expect(report.result!.lost).toEqual([]);
    expect(report.result!.providers.search.status).toBe("ok");
    expect(simulator.stats().search.faulted).toBe(2);

    const [run] = await database.handle.sql<{ run_id: string }[]>`
      select run_id from job_progress where subject = ${`report:${id}`} limit 1`;
    const detail = (await (await fetch(`${executorUrl}/v1/runs/${run!.run_id}`)).json()) as {
      run: { steps: { name: string; attempts: number; status: string }[] };
    };
    const steps = Object.fromEntries(detail.run.steps.map((step) => [step.name, step]));
    // Its own step retried; the other providers' ran once.
    expect(steps["provider-search"]).toMatchObject({ status: "completed" });
    expect(steps["provider-search"]!.attempts).toBeGreaterThan(steps["provider-social"]!.attempts);
  }, 90_000);

  it("completes without a provider that is down, and says which", async () => {
    simulator.clearFaults();
    simulator.setFault("social", { kind: "error", status: 503 });
    const id = await order(MEMBER, {});
    const report = await finished(id);
    simulator.clearFaults();
    expect(report.status).toBe("done");
    expect(report.result!.lost).toEqual(["social"]);
    expect(report.result!.providers.social).toMatchObject({ status: "lost", figures: null });
    expect(report.result!.providers.pageviews.status).toBe("ok");
    const text = await pdfText(id);
    expect(text).toMatch(/Missing: Social engagement/);
    const email = await until("the report-ready email", async () => {
      const [row] = await database.handle.sql<{ text: string }[]>`
        select text from emails where idempotency_key = ${`report-ready:${id}`}`;
      return row;
    });
    expect(email.text).toContain("Social engagement");
  }, 90_000);

  it("gives a workspace report every author's totals, off the loop", async () => {
    simulator.clearFaults();
    const id = await order(ADMIN, { scope: "workspace" });
    const report = await finished(id);
    expect(report.status).toBe("done");
    const [counted] = await database.handle.sql<{ posts: number }[]>`
      select count(*)::int as posts from posts
      where created_at >= ${RANGE.from} and created_at < '2025-02-01'`;
    expect(report.result!.ours.posts).toBe(counted!.posts);
    expect(report.result!.authors.length).toBeGreaterThan(1);
    expect(await pdfText(id)).toContain("the whole workspace");
  }, 90_000);
});

describe("who may order, see and download reports", () => {
  it("lets members order their own, admins anyone's, the workspace's and bulk runs", async () => {
    expect((await call(null, "reports.order", RANGE)).status).toBe(401);
    expect((await call(MEMBER, "reports.order", { ...RANGE, authorId: OTHER_MEMBER })).status).toBe(
      403,
    );
    expect((await call(MEMBER, "reports.order", { ...RANGE, scope: "workspace" })).status).toBe(
      403,
    );
    expect((await call(MEMBER, "reports.order", { ...RANGE, scope: "bulk" })).status).toBe(403);
    expect((await call(ADMIN, "reports.order", { ...RANGE, authorId: 999_999 })).status).toBe(404);
    const tooLong = await call(MEMBER, "reports.order", { from: "2024-01-01", to: "2025-06-01" });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toMatch(/at most 366 days/);
    const backwards = await call(MEMBER, "reports.order", { from: "2025-02-01", to: "2025-01-01" });
    expect(backwards.status).toBe(400);
    const both = await call(ADMIN, "reports.order", { ...RANGE, scope: "bulk", authorId: 2 });
    expect(both.status).toBe(400);
  });

  it("lists a member's own reports only, and every report for an admin", async () => {
    const mine = await order(OTHER_MEMBER, {});
    const theirs = await call<{ reports: { id: number; requestedById: number }[] }>(
      OTHER_MEMBER,
      "reports.list",
      {},
    );
    expect(theirs.data.reports.map((r) => r.requestedById)).toEqual(
      theirs.data.reports.map(() => OTHER_MEMBER),
    );
    expect(theirs.data.reports.map((r) => r.id)).toContain(mine);
    const member = await call<{ reports: { id: number }[] }>(MEMBER, "reports.list", {});
    expect(member.data.reports.map((r) => r.id)).not.toContain(mine);
    const admin = await call<{ reports: { id: number }[] }>(ADMIN, "reports.list", { limit: 50 });
    expect(admin.data.reports.map((r) => r.id)).toContain(mine);

    expect((await call(MEMBER, "reports.byId", { id: mine })).status).toBe(403);
    expect((await call(OTHER_MEMBER, "reports.byId", { id: mine })).status).toBe(200);
    expect((await call(MEMBER, "reports.byId", { id: 999_999 })).status).toBe(404);
    await finished(mine);
  }, 90_000);

  it("serves a PDF to its orderer and admins only, and never through /media", async () => {
    const id = await order(OTHER_MEMBER, {});
    const [queued] = await database.handle.sql<{ id: number }[]>`
      insert into reports (requested_by_id, scope, author_id, from_date, to_date)
      values (${OTHER_MEMBER}, 'author', ${OTHER_MEMBER}, '2025-01-01', '2025-01-31')
      returning id`;
    await finished(id);
    const get = async (reportId: number | string, userId: number | null) =>
      (
        await fetch(`${api.origin}/reports/${reportId}/pdf`, {
          headers: userId === null ? {} : await bearer(userId),
        })
      ).status;
    expect(await get(id, null)).toBe(401);
    expect(await get(id, MEMBER)).toBe(403);
    expect(await get(id, OTHER_MEMBER)).toBe(200);
    expect(await get(id, ADMIN)).toBe(200);
    expect(await get(999_999, ADMIN)).toBe(404);
    expect(await get("nope", ADMIN)).toBe(404);
    // Ordered, not run: no PDF yet.
    expect(await get(queued!.id, OTHER_MEMBER)).toBe(404);
    expect((await fetch(`${api.origin}/media/report-${id}.pdf`)).status).toBe(404);
  }, 90_000);
});

describe("priority", () => {
  it("starts a member's report before the bulk runs an admin queued first", async () => {
    simulator.clearFaults();
    const bulk: number[] = [];
    for (let i = 0; i < 5; i++) bulk.push(await order(ADMIN, { scope: "bulk" }));
    const own = await order(MEMBER, {});
    for (const id of [own, ...bulk]) expect((await finished(id)).status).toBe("done");
    await until("the last run to complete", async () => {
      const [row] = await database.handle.sql`
        select 1 from job_progress where subject = ${`report:${bulk.at(-1)}`} and kind = 'completed'`;
      return row;
    });

    // Progress ids are in commit order (job path, live progress).
    const events = await database.handle.sql<{ subject: string; kind: string; id: number }[]>`
      select subject, kind, id::int as id from job_progress
      where kind in ('started', 'completed')
        and subject in ${database.handle.sql([own, ...bulk].map((id) => `report:${id}`))}`;
    const at = (id: number, kind: string) =>
      events.find((event) => event.subject === `report:${id}` && event.kind === kind)!.id;
    // Bulk runs share a lane: the last one queued starts only after others finished; the
    // member's report, queued after all of them, does not wait for that lane. (Whether it is
    // also done by then depends on how long each takes: a fresh-clone run saw the last bulk
    // run start one event before the member's report completed.)
    expect(at(own, "started")).toBeLessThan(at(bulk.at(-1)!, "started"));
    // And bulk runs held to their lane never ran all at once.
    expect(at(bulk[0]!, "completed")).toBeLessThan(at(bulk.at(-1)!, "started"));
  }, 180_000);
});
