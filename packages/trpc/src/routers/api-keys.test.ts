import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { startTestRedis, type TestRedis } from "@brisk/upstash-bridge/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { API_KEY_PREFIX, tokenHash } from "../auth/tokens";
import type { Runtime } from "../runtime";
import { createTestRuntime, fieldErrors, signedInRequest, testRequest } from "../testing";

const database = useTestDatabase();
let redis: TestRedis;
/** Two instances on one Redis: a revocation must reach the other's cache too. */
let a: Runtime;
let b: Runtime;

beforeAll(async () => {
  await seed(database.handle.sql, { users: 10, postsPerUser: 1, demo: true });
  redis = await startTestRedis();
  const cache = {
    memory: { maxStaleMs: 2_000, maxEntries: 1_000, maxBytes: 10_000_000, alone: false },
    redis: { url: redis.restUrl, token: redis.token, timeoutMs: 2_000 },
  };
  a = createTestRuntime(database, { cache });
  b = createTestRuntime(database, { cache });
  for (const runtime of [a, b]) {
    await runtime.db.warm();
    await runtime.cache.start();
  }
  asAdmin = await signedIn(1);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await redis?.stop();
});

const EVENTUALLY = { timeout: 10_000, interval: 20 };
/** What the API keys page shows of a key: enough to tell it apart, far too little to use. */
const SHOWN = API_KEY_PREFIX.length + 6;

async function signedIn(userId: number, runtime = a) {
  const { request } = await signedInRequest(runtime, userId);
  return () => runtime.caller(request);
}
let asAdmin: Awaited<ReturnType<typeof signedIn>>;
const withKey = (token: string, runtime = a) =>
  runtime.caller(testRequest({ headers: { authorization: `Bearer ${token}` } }).request);

async function keyRow(id: number) {
  const [row] = await database.handle.sql<Record<string, unknown>[]>`
    select * from api_keys where id = ${id}`;
  return row!;
}

describe("apiKeys.create", () => {
  it("shows the key once and keeps only its SHA-256", async () => {
    const key = await asAdmin().apiKeys.create({ name: "  Nightly export ", role: "member" });
    expect(key).toEqual({
      id: expect.any(Number),
      name: "Nightly export",
      role: "member",
      prefix: key.token.slice(0, SHOWN),
      createdAt: expect.any(Date),
      lastUsedAt: null,
      revokedAt: null,
      token: expect.stringMatching(/^bk_[A-Za-z0-9_-]{43}$/),
    });
    const row = await keyRow(key.id);
    expect(row).toMatchObject({ key_hash: tokenHash(key.token), created_by_id: 1 });
    // The rest of the key is in no column.
    const secret = key.token.slice(SHOWN);
    for (const value of Object.values(row)) expect(String(value)).not.toContain(secret);
  });

  it("makes a member's key unless told otherwise, and a new key each time", async () => {
    const one = await asAdmin().apiKeys.create({ name: "Importer" });
    const two = await asAdmin().apiKeys.create({ name: "Importer" });
    expect(one.role).toBe("member");
    expect(one.token).not.toBe(two.token);
  });

  it("refuses a key without a name, or with an unknown role, with field messages", async () => {
    expect(await fieldErrors(asAdmin().apiKeys.create({ name: "   " }))).toEqual({
      name: ["Name the service that will use the key"],
    });
    expect(
      await fieldErrors(
        asAdmin().apiKeys.create({ name: "Root", role: "owner" as unknown as "admin" }),
      ),
    ).toEqual({ role: ['Invalid option: expected one of "member"|"admin"'] });
  });

  it("allows an admin 20 keys an hour, then answers TOO_MANY_REQUESTS with Retry-After", async () => {
    // An admin of this test's own, so the keys other tests make do not count.
    await database.handle.sql`update users set role = 'admin' where id = 6`;
    const { request, response } = await signedInRequest(a, 6);
    const asOtherAdmin = () => a.caller(request);
    for (let i = 0; i < 20; i++) await asOtherAdmin().apiKeys.create({ name: `Service ${i}` });
    const error = await asOtherAdmin()
      .apiKeys.create({ name: "Service 20" })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect((error as Error).message).toMatch(
      /^Too many API keys made\. Try again in \d+ minutes\.$/,
    );
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const [made] = await database.handle.sql<{ n: number }[]>`
      select count(*)::int as n from api_keys where created_by_id = 6`;
    expect(made?.n).toBe(20);
    // Another admin is not held up.
    await asAdmin().apiKeys.create({ name: "Still allowed" });
  });
});

describe("apiKeys.list", () => {
  it("shows name, role, created and last used of every key, never the key", async () => {
    const key = await asAdmin().apiKeys.create({ name: "Reporting", role: "admin" });
    const listed = await asAdmin().apiKeys.list();
    expect(listed.find((item) => item.id === key.id)).toEqual({
      id: key.id,
      name: "Reporting",
      role: "admin",
      prefix: key.prefix,
      createdAt: key.createdAt,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(JSON.stringify(listed)).not.toContain(key.token.slice(SHOWN));
    expect(JSON.stringify(listed)).not.toContain(tokenHash(key.token));
  });
});

describe("a key as a bearer token", () => {
  it("acts with its role", async () => {
    const member = await asAdmin().apiKeys.create({ name: "Member service", role: "member" });
    const admin = await asAdmin().apiKeys.create({ name: "Admin service", role: "admin" });
    expect(await withKey(member.token).auth.me()).toEqual({
      kind: "apiKey",
      id: member.id,
      name: "Member service",
      role: "member",
    });
    const tag = { name: "Keyed", slug: "keyed", colour: "#123456" };
    await expect(withKey(member.token).tags.create(tag)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(withKey(member.token).apiKeys.list()).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await withKey(admin.token).tags.create(tag)).toMatchObject({ slug: "keyed" });
    expect((await withKey(admin.token).apiKeys.list()).map((k) => k.id)).toContain(member.id);
  });

  it("records when it was last used, shown in the list", async () => {
    const key = await asAdmin().apiKeys.create({ name: "Poller" });
    const before = Date.now();
    await withKey(key.token).posts.list({ limit: 1 });
    await vi.waitFor(async () => {
      const listed = (await asAdmin().apiKeys.list()).find((item) => item.id === key.id);
      expect(listed?.lastUsedAt?.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    }, EVENTUALLY);
  });

  it("stops working once revoked: at once here and soon on the other instance, though cached", async () => {
    const key = await asAdmin().apiKeys.create({ name: "Leaked", role: "admin" });
    // In use on both instances until each answers from its cache alone.
    await vi.waitFor(async () => {
      database.resetStatements();
      for (const runtime of [a, b]) {
        expect(await withKey(key.token, runtime).auth.me()).toMatchObject({ id: key.id });
      }
      expect(database.statements).toEqual([]);
    }, EVENTUALLY);

    expect(await asAdmin().apiKeys.revoke({ id: key.id })).toEqual({ id: key.id });
    expect((await keyRow(key.id)).revoked_at).not.toBeNull();
    expect(await withKey(key.token).auth.me()).toBeNull();
    await expect(withKey(key.token).apiKeys.list()).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    await vi.waitFor(
      async () => expect(await withKey(key.token, b).auth.me()).toBeNull(),
      EVENTUALLY,
    );
    const listed = (await asAdmin().apiKeys.list()).find((item) => item.id === key.id);
    expect(listed?.revokedAt).toBeInstanceOf(Date);

    await expect(asAdmin().apiKeys.revoke({ id: key.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `No live API key with id ${key.id}`,
    });
  });
});

describe("who may manage keys", () => {
  it("a member is FORBIDDEN and anonymous callers UNAUTHORIZED, for every procedure", async () => {
    const key = await asAdmin().apiKeys.create({ name: "Kept" });
    const asMember = await signedIn(2);
    const anonymous = () => a.caller(testRequest().request);
    for (const [caller, code] of [
      [asMember, "FORBIDDEN"],
      [anonymous, "UNAUTHORIZED"],
    ] as const) {
      await expect(caller().apiKeys.list()).rejects.toMatchObject({ code });
      await expect(caller().apiKeys.create({ name: "Mine" })).rejects.toMatchObject({ code });
      await expect(caller().apiKeys.revoke({ id: key.id })).rejects.toMatchObject({ code });
    }
    await expect(asMember().apiKeys.list()).rejects.toMatchObject({
      message: "Only an admin can do this.",
    });
    expect((await keyRow(key.id)).revoked_at).toBeNull();
  });
});
