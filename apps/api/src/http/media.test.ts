import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { useTestDatabase } from "@brisk/db/testing/database";
import type { JobsSettings } from "@brisk/jobs";
import { type EventReceiver, runFunction, startEventReceiver } from "@brisk/jobs/testing";
import { signedInRequest, TEST_DASHBOARD_ORIGIN } from "@brisk/trpc/testing";
import S3rver from "s3rver";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi } from "../testing";

/**
 * Cover uploads through apps/api as main.ts wires them: `POST /media` over real HTTP, the
 * media row and its `media/uploaded` event, the thumbnail function run through the real serve
 * endpoint as an executor would, and the stored objects served back by `GET /media/<key>`.
 */
const database = useTestDatabase();
const FN_ID = "brisk-make-cover-thumbnails";
const MAX_BYTES = 256 * 1024;
let receiver: EventReceiver;
let api: Awaited<ReturnType<typeof startTestApi>>;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "brisk-media-"));
  receiver = await startEventReceiver();
  const jobs: JobsSettings = {
    inngest: { mode: "dev", url: receiver.url },
    email: { transport: "mailbox", from: "Brisk <no-reply@brisk.test>" },
    relay: { baseDelayMs: 20, maxDelayMs: 200, idleMs: 100 },
    media: { storage: { dir }, limits: { maxBytes: MAX_BYTES, maxSide: 4000 } },
  };
  api = await startTestApi(database, { jobs });
});
afterAll(async () => {
  await api?.stop();
  await receiver?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function member() {
  const [user] = await database.handle.sql<{ id: number }[]>`
    insert into users (name, email) values ('Cover Cora', ${`cora-${Math.random()}@example.com`})
    returning id`;
  const { token } = await signedInRequest(api.runtime, user!.id);
  return {
    id: user!.id,
    headers: { cookie: `brisk_session=${token}`, origin: TEST_DASHBOARD_ORIGIN },
  };
}

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 20 } } })
    .png()
    .toBuffer();

async function upload(body: Buffer | string, headers: Record<string, string>) {
  const res = await fetch(`${api.origin}/media`, {
    method: "POST",
    headers: { "content-type": "image/png", ...headers },
    body: typeof body === "string" ? body : new Uint8Array(body),
  });
  return { status: res.status, body: (await res.json()) as { id?: number; error?: string } };
}

describe("POST /media", () => {
  it("stores a PNG, inserts its row and records media/uploaded in one go", async () => {
    const cora = await member();
    const res = await upload(await png(2000, 1000), cora.headers);
    expect(res.status).toBe(201);
    const [row] = await database.handle.sql`
      select owner_id, content_type, width, height, status, storage_key from media where id = ${res.body.id!}`;
    expect(row).toMatchObject({
      owner_id: cora.id,
      content_type: "image/png",
      width: 2000,
      height: 1000,
      status: "uploaded",
    });
    const events = await database.handle.sql`
      select data from outbox where name = 'media/uploaded' and (data->>'mediaId')::int = ${res.body.id!}`;
    expect(events.map((e) => e.data)).toEqual([{ mediaId: res.body.id }]);
  });

  it("refuses text named .png with 415, by its content", async () => {
    const res = await upload("just some text, not an image", (await member()).headers);
    expect(res.status).toBe(415);
    expect(res.body.error).toMatch(/JPEG, PNG, WebP and GIF/);
  });

  it("refuses a body over the limit with 413", async () => {
    const res = await upload(Buffer.alloc(MAX_BYTES + 1, 7), (await member()).headers);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(/larger than/);
  });

  it("refuses an anonymous caller with 401, and a session from another site with 403", async () => {
    expect((await upload(await png(10, 10), {})).status).toBe(401);
    const { headers } = await member();
    const crossSite = await upload(await png(10, 10), {
      ...headers,
      origin: "https://evil.example",
    });
    expect(crossSite.status).toBe(403);
  });

  it("takes a bearer session from any origin, as a tRPC mutation does", async () => {
    const { id } = await member();
    const { token } = await signedInRequest(api.runtime, id);
    const res = await upload(await png(20, 20), { authorization: `Bearer ${token}` });
    expect(res.status).toBe(201);
  });

  it("refuses an image wider than the bound with 400", async () => {
    const res = await upload(await png(4001, 10), (await member()).headers);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/4001×10/);
  });
});

describe("media/uploaded → make-cover-thumbnails", () => {
  it("makes 160, 640 and 1280 px WebP once, marks ready, and serves them", async () => {
    const res = await upload(await png(2000, 1000), (await member()).headers);
    const mediaId = res.body.id!;
    const event = { name: "media/uploaded", data: { mediaId } };
    const serveUrl = `${api.origin}/api/inngest`;

    const first = await runFunction(serveUrl, FN_ID, event);
    const { thumbnails } = first.result as { thumbnails: Record<string, string> };
    expect(Object.keys(thumbnails).sort()).toEqual(["1280", "160", "640"]);
    const [row] = await database.handle
      .sql`select status, thumbnails from media where id = ${mediaId}`;
    expect(row).toEqual({ status: "ready", thumbnails });

    for (const [width, key] of Object.entries(thumbnails)) {
      const got = await fetch(`${api.origin}/media/${key}`);
      expect(got.status).toBe(200);
      expect(got.headers.get("content-type")).toBe("image/webp");
      expect(got.headers.get("cache-control")).toContain("immutable");
      const meta = await sharp(Buffer.from(await got.arrayBuffer())).metadata();
      expect(meta).toMatchObject({
        format: "webp",
        width: Number(width),
        height: Number(width) / 2,
      });
    }

    const again = await runFunction(serveUrl, FN_ID, event);
    expect(again.result).toEqual({ outcome: "nothing-to-do" });
  });

  it("never makes a thumbnail wider than the original", async () => {
    const res = await upload(await png(300, 200), (await member()).headers);
    const run = await runFunction(`${api.origin}/api/inngest`, FN_ID, {
      name: "media/uploaded",
      data: { mediaId: res.body.id! },
    });
    const { thumbnails } = run.result as { thumbnails: Record<string, string> };
    const widths = await Promise.all(
      Object.values(thumbnails).map(async (key) => {
        const got = await fetch(`${api.origin}/media/${key}`);
        return (await sharp(Buffer.from(await got.arrayBuffer())).metadata()).width;
      }),
    );
    expect(widths.sort((a, b) => a - b)).toEqual([160, 300, 300]);
  });

  it("marks the media failed when the run fails on its last attempt", async () => {
    const res = await upload(await png(200, 100), (await member()).headers);
    const mediaId = res.body.id!;
    const failure = {
      name: "inngest/function.failed",
      data: {
        function_id: FN_ID,
        run_id: "run-failed",
        error: { name: "Error", message: "the original is missing" },
        event: { name: "media/uploaded", data: { mediaId } },
      },
    };
    await runFunction(`${api.origin}/api/inngest`, `${FN_ID}-failure`, failure);
    const [row] = await database.handle.sql`select status from media where id = ${mediaId}`;
    expect(row).toEqual({ status: "failed" });
  });

  it("answers 404 for an unknown or malformed key", async () => {
    expect((await fetch(`${api.origin}/media/nothing-here.webp`)).status).toBe(404);
    expect((await fetch(`${api.origin}/media/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
  });
});

describe("in an S3-compatible bucket", () => {
  let s3rver: S3rver;
  let s3api: Awaited<ReturnType<typeof startTestApi>>;
  beforeAll(async () => {
    // S3 itself cannot be reached from here: s3rver speaks its HTTP API over a directory.
    s3rver = new S3rver({
      port: 0,
      address: "127.0.0.1",
      silent: true,
      directory: path.join(dir, "s3"),
      configureBuckets: [{ name: "brisk-media", configs: [] }],
    });
    const { port } = await s3rver.run();
    s3api = await startTestApi(database, {
      jobs: {
        inngest: { mode: "dev", url: receiver.url },
        email: { transport: "mailbox", from: "Brisk <no-reply@brisk.test>" },
        relay: { idleMs: 60_000 },
        media: {
          storage: {
            s3: {
              endpoint: `http://127.0.0.1:${port}`,
              region: "us-east-1",
              bucket: "brisk-media",
              accessKeyId: "S3RVER",
              secretAccessKey: "S3RVER",
              forcePathStyle: true,
            },
          },
        },
      },
    });
  });
  afterAll(async () => {
    await s3api?.stop();
    await s3rver?.close();
  });

  it("stores the original and its thumbnails there, and serves them through /media", async () => {
    const { headers } = await member();
    const res = await fetch(`${s3api.origin}/media`, {
      method: "POST",
      headers: { "content-type": "image/png", ...headers },
      body: await png(800, 400),
    });
    expect(res.status).toBe(201);
    const { id: mediaId } = (await res.json()) as { id: number };
    const run = await runFunction(`${s3api.origin}/api/inngest`, FN_ID, {
      name: "media/uploaded",
      data: { mediaId },
    });
    const { thumbnails } = run.result as { thumbnails: Record<string, string> };
    const [row] = await database.handle.sql`select storage_key from media where id = ${mediaId}`;
    for (const key of [row!.storage_key as string, ...Object.values(thumbnails)]) {
      const got = await fetch(`${s3api.origin}/media/${key}`);
      expect(got.status).toBe(200);
      expect((await sharp(Buffer.from(await got.arrayBuffer())).metadata()).width).toBeGreaterThan(
        0,
      );
    }
  });
});
