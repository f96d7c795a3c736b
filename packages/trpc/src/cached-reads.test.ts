import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { startTestRedis, type TestRedis } from "@brisk/upstash-bridge/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { internalRequest, type RequestInfo } from "./request";
import type { Runtime } from "./runtime";
import { createTestRuntime, signedInRequest } from "./testing";

const database = useTestDatabase();
let redis: TestRedis;
let runtime: Runtime;

beforeAll(async () => {
  await seed(database.handle.sql, { users: 30, postsPerUser: 5, demo: true });
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

// A fresh runtime per test (one Redis, emptied), as a newly started instance would have.
beforeEach(async () => {
  await redis.command(["flushall"]);
  runtime = createTestRuntime(database, {
    cache: {
      memory: { maxStaleMs: 60_000, maxEntries: 1_000, maxBytes: 10_000_000, alone: false },
      redis: { url: redis.restUrl, token: redis.token, timeoutMs: 2_000 },
    },
  });
  await runtime.db.warm();
  await runtime.cache.start();
  adminRequest = (await signedInRequest(runtime, AUTHOR)).request;
});
afterEach(() => runtime.close());

const caller = () => runtime.caller(internalRequest("test"));
/** Demo user 1, an admin: writes need one. */
const AUTHOR = 1;
let adminRequest: RequestInfo;
const asAdmin = () => runtime.caller(adminRequest);
const firstPage = { limit: 20, postsPerUser: 3 };

/** Reads twice and checks the second read issued no SQL: the answer is now cached. */
async function cached<T>(read: () => Promise<T>): Promise<T> {
  await read();
  database.resetStatements();
  const again = await read();
  expect(database.statements).toEqual([]);
  return again;
}

const authorOf = (page: { items: { id: number; posts: { id: number; title: string }[] }[] }) =>
  page.items.find((user) => user.id === AUTHOR)!;

describe("hot reads", () => {
  it("serve users.byId, the authors list's first page and tags.list with no SQL", async () => {
    await cached(() => caller().users.byId({ id: AUTHOR }));
    await cached(() => caller().users.list(firstPage));
    await cached(() => caller().tags.list());
  });

  it("still batch cold users.byId misses of one request into one statement", async () => {
    const request = caller();
    database.resetStatements();
    const ids = Array.from({ length: 20 }, (_, i) => i + 5);
    const users = await Promise.all(ids.map((id) => request.users.byId({ id })));
    expect(users.map((u) => u.id)).toEqual(ids);
    expect(database.statements).toHaveLength(1);
  });

  it("leave later pages of the authors list to the database", async () => {
    await caller().users.list({ ...firstPage, cursor: 5 });
    database.resetStatements();
    await caller().users.list({ ...firstPage, cursor: 5 });
    expect(database.statements).toHaveLength(1);
  });
});

describe("a read after a write sees the write", () => {
  it("posts.create", async () => {
    await cached(() => caller().users.byId({ id: AUTHOR }));
    await cached(() => caller().users.list(firstPage));
    await asAdmin().posts.create({
      authorId: AUTHOR,
      title: "Fresh off the press",
      body: "…",
      status: "published",
    });
    expect((await caller().users.byId({ id: AUTHOR })).posts[0]?.title).toBe("Fresh off the press");
    expect(authorOf(await caller().users.list(firstPage)).posts[0]?.title).toBe(
      "Fresh off the press",
    );
  });

  it("posts.update", async () => {
    const before = await cached(() => caller().users.byId({ id: AUTHOR }));
    await cached(() => caller().users.list(firstPage));
    const post = before.posts[0]!;
    await asAdmin().posts.update({ id: post.id, title: "Retitled" });
    expect((await caller().users.byId({ id: AUTHOR })).posts[0]?.title).toBe("Retitled");
    expect(authorOf(await caller().users.list(firstPage)).posts[0]?.title).toBe("Retitled");
  });

  it("posts.delete", async () => {
    const before = await cached(() => caller().users.byId({ id: AUTHOR }));
    await cached(() => caller().users.list(firstPage));
    const post = before.posts[0]!;
    await asAdmin().posts.delete({ id: post.id });
    const ids = (await caller().users.byId({ id: AUTHOR })).posts.map((p) => p.id);
    expect(ids).not.toContain(post.id);
    const listed = authorOf(await caller().users.list(firstPage)).posts.map((p) => p.id);
    expect(listed).not.toContain(post.id);
  });

  it("users.update", async () => {
    await cached(() => caller().users.byId({ id: AUTHOR }));
    await cached(() => caller().users.list(firstPage));
    await asAdmin().users.update({ id: AUTHOR, name: "Avery Renamed" });
    expect((await caller().users.byId({ id: AUTHOR })).name).toBe("Avery Renamed");
    expect((await caller().users.list(firstPage)).items.find((u) => u.id === AUTHOR)?.name).toBe(
      "Avery Renamed",
    );
  });

  it("tags.create, tags.update and tags.delete", async () => {
    await cached(() => caller().tags.list());
    const tag = await asAdmin().tags.create({
      name: "Tiered",
      slug: "tiered-cache",
      colour: "#112233",
    });
    expect((await caller().tags.list()).map((t) => t.slug)).toContain("tiered-cache");

    await cached(() => caller().tags.list());
    await asAdmin().tags.update({ id: tag.id, name: "Cache" });
    expect((await caller().tags.list()).find((t) => t.id === tag.id)?.name).toBe("Cache");

    await cached(() => caller().tags.list());
    await asAdmin().tags.delete({ id: tag.id });
    expect((await caller().tags.list()).map((t) => t.id)).not.toContain(tag.id);
  });
});
