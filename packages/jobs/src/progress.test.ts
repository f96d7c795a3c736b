import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDb, type DbHandle } from "@brisk/db";
import { useTestDatabase } from "@brisk/db/testing/database";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobsLogger } from "./client";
import { createJobs, type Jobs } from "./jobs";
import { runFunction } from "./testing";

/**
 * Progress as runs report it, through the real serve endpoint over Inngest's wire protocol:
 * each step that runs, once, with its owner; nothing for a replayed step; and a run that goes
 * on when progress cannot be written.
 */
const database = useTestDatabase();
const warnings: unknown[][] = [];
const log: JobsLogger = {
  info() {},
  warn: (...args: unknown[]) => warnings.push(args),
  error() {},
  debug() {},
};
let pool: DbHandle;
let jobs: Jobs;
let server: http.Server;
let serveUrl: string;
let dir: string;
let ownerId: number;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "brisk-progress-"));
  pool = createDb({ url: database.url, pool: { max: 3, warm: 0 } });
  jobs = createJobs({
    db: pool.db,
    log,
    settings: {
      // Nothing sends events here: runs are driven by `runFunction`.
      inngest: { mode: "dev", url: "http://127.0.0.1:9" },
      email: { transport: "mailbox", from: "Brisk <no-reply@brisk.test>" },
      relay: { idleMs: 60_000 },
      media: { storage: { dir } },
    },
    dashboardUrl: "http://dashboard.test",
  });
  server = http.createServer(jobs.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serveUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  const [user] = await database.handle.sql<{ id: number }[]>`
    insert into users (name, email) values ('Uma Uploader', 'uma@example.com') returning id`;
  ownerId = user!.id;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await jobs?.close();
  await pool?.close();
  await rm(dir, { recursive: true, force: true });
});

const progressOf = (runId: string) =>
  database.handle.sql`
    select kind, done, total, label, owner_id as "ownerId", subject from job_progress
    where run_id = ${runId} order by id`;

describe("job progress", () => {
  it("reports a cover's thumbnails step by step, to its owner, and nothing more on a replay", async () => {
    const png = await sharp({
      create: { width: 1600, height: 900, channels: 3, background: "#2563eb" },
    })
      .png()
      .toBuffer();
    const upload = await jobs.media.accept(ownerId, png);
    if (!upload.ok) throw new Error(upload.message);
    const event = { name: "media/uploaded", data: { mediaId: upload.id } };
    const runId = "thumbnails-run";
    const first = await runFunction(serveUrl, "brisk-make-cover-thumbnails", event, { runId });
    expect(first.result).toMatchObject({ outcome: "ready" });

    const expected = [
      { kind: "started", done: 0, label: null },
      { kind: "step", done: 1, label: "start" },
      { kind: "step", done: 2, label: "webp-160" },
      { kind: "step", done: 3, label: "webp-640" },
      { kind: "step", done: 4, label: "webp-1280" },
      { kind: "step", done: 5, label: "ready" },
      { kind: "completed", done: 5, label: null },
    ].map((row) => ({ ...row, total: 5, ownerId, subject: `media:${upload.id}` }));
    expect(await progressOf(runId)).toEqual(expected);

    // The same run again with every step's result memoized: the handler replays them all and
    // returns; only the return is reported again.
    await runFunction(serveUrl, "brisk-make-cover-thumbnails", event, {
      runId,
      steps: first.steps,
    });
    expect(await progressOf(runId)).toEqual([...expected, expected.at(-1)]);
  });

  it("reports an email's one step, owned by the user it is for", async () => {
    const runId = "welcome-run";
    await runFunction(
      serveUrl,
      "brisk-send-welcome-email",
      { name: "user/signed-up", data: { userId: ownerId } },
      { runId },
    );
    expect((await progressOf(runId)).map((row) => [row.kind, row.done, row.total])).toEqual([
      ["started", 0, 1],
      ["step", 1, 1],
      ["completed", 1, 1],
    ]);
  });

  it("lets a run finish when its progress cannot be written, and says so in the log", async () => {
    await database.handle.sql`alter table job_progress rename to job_progress_away`;
    try {
      const { result } = await runFunction(
        serveUrl,
        "brisk-send-invitation-email",
        { name: "user/invited", data: { userId: ownerId, invitationId: 987_654 } },
        { runId: "invitation-run" },
      );
      expect(result).toEqual({ outcome: "no-such-invitation" });
    } finally {
      await database.handle.sql`alter table job_progress_away rename to job_progress`;
    }
    expect(warnings.some(([, message]) => message === "job progress not recorded")).toBe(true);
  });
});
