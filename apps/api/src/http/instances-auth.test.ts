import { DEMO_PASSWORD, seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { signedInRequest } from "@brisk/trpc/testing";
import { startTestRedis, type TestRedis } from "@brisk/upstash-bridge/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callProcedure, startTestApi } from "../testing";

/**
 * Sessions and API keys across two api instances on one Redis and one database: each keeps
 * what it looked up in its memory tier, and an ending on one is learnt by the other from the
 * cache's invalidation log. The sign-in limits are counted in Redis, once for both.
 */
const MAX_STALE_MS = 400;

const database = useTestDatabase();
let redis: TestRedis;
let a: Awaited<ReturnType<typeof startTestApi>>;
let b: Awaited<ReturnType<typeof startTestApi>>;

beforeAll(async () => {
  await seed(database.handle.sql, { users: 10, postsPerUser: 1, demo: true });
  redis = await startTestRedis();
  const cache = {
    memory: { maxStaleMs: MAX_STALE_MS, maxEntries: 1_000, maxBytes: 10_000_000, alone: false },
    // Generous: a test machine under load must not turn a slow answer into a miss.
    redis: { url: redis.restUrl, token: redis.token, timeoutMs: 2_000 },
  };
  a = await startTestApi(database, { cache });
  b = await startTestApi(database, { cache });
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

type Api = typeof a;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const session = async (userId: number) => (await signedInRequest(a.runtime, userId)).token;

/** Who `token` is to `api`: its auth.me answer (null: nobody). */
async function whoIs(api: Api, token: string) {
  const answer = await callProcedure(api.base, "auth.me", undefined, bearer(token));
  expect(answer.status).toBe(200);
  return answer.body?.result?.data as { kind: string; id: number } | null;
}

/** SQL statements `api` has sent, from its own registry. */
async function statements(api: Api) {
  const metric = (await api.registry.getMetricsAsJSON()).find(
    (m) => m.name === "brisk_db_statement_duration_seconds",
  );
  return ((metric?.values ?? []) as { metricName?: string; value: number }[])
    .filter((v) => v.metricName === "brisk_db_statement_duration_seconds_count")
    .reduce((sum, v) => sum + v.value, 0);
}

async function until(what: string, done: () => Promise<boolean>) {
  // How soon is the cache's own test (the bound holds by construction); here, that the other
  // instance learns it at all, through Redis.
  const deadline = performance.now() + 10_000;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`never saw ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Uses `token` on `api` until `api` knows it from memory: an answer that needs no SQL. */
async function cachedOn(api: Api, token: string) {
  await until("the credential cached", async () => {
    const before = await statements(api);
    expect(await whoIs(api, token)).not.toBeNull();
    return (await statements(api)) === before;
  });
}

describe("a session used on two instances", () => {
  it("is refused by the other instance once signed out on one", async () => {
    const token = await session(2);
    await cachedOn(a, token);
    await cachedOn(b, token);

    const out = await callProcedure(a.base, "auth.signOut", undefined, bearer(token));
    expect(out.status).toBe(200);
    expect(await whoIs(a, token)).toBeNull();
    await until("b refuse the session", async () => (await whoIs(b, token)) === null);
    const write = await callProcedure(
      b.base,
      "users.update",
      { id: 2, name: "Ghost" },
      bearer(token),
    );
    expect(write.status).toBe(401);
  });

  it("ends on the other instance when its user changes their password on one", async () => {
    const here = await session(4);
    const elsewhere = await session(4);
    await cachedOn(b, elsewhere);
    await cachedOn(b, here);

    const changed = await callProcedure(
      a.base,
      "auth.changePassword",
      { currentPassword: DEMO_PASSWORD, newPassword: "a longer phrase of mine" },
      bearer(here),
    );
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body?.result?.data).toEqual({ endedSessions: 1 });

    await until("b refuse the other session", async () => (await whoIs(b, elsewhere)) === null);
    // The session that changed it goes on, on both.
    expect((await whoIs(b, here))?.id).toBe(4);
    expect((await whoIs(a, here))?.id).toBe(4);
    const signIn = await callProcedure(b.base, "auth.signIn", {
      email: "sol@brisk.dev",
      password: "a longer phrase of mine",
    });
    expect(signIn.status).toBe(200);
  });
});

describe("an API key used on two instances", () => {
  it("is refused by the other instance once revoked on one", async () => {
    const admin = bearer(await session(1));
    const created = await callProcedure(a.base, "apiKeys.create", { name: "reporting" }, admin);
    expect(created.status).toBe(200);
    const { id, token } = created.body!.result!.data as { id: number; token: string };
    // Its first uses record when it was last used, and drop the cached copy to show it.
    await cachedOn(a, token);
    await cachedOn(b, token);
    expect((await whoIs(b, token))?.kind).toBe("apiKey");

    expect((await callProcedure(a.base, "apiKeys.revoke", { id }, admin)).status).toBe(200);
    await until("b refuse the key", async () => (await whoIs(b, token)) === null);
    const write = await callProcedure(
      b.base,
      "posts.create",
      { authorId: 2, title: "From a revoked key", body: "" },
      bearer(token),
    );
    expect(write.status).toBe(401);
  });
});

describe("the sign-in limit of an account", () => {
  it("counts failures on both instances together", async () => {
    const attempt = (api: Api, password: string) =>
      callProcedure(api.base, "auth.signIn", { email: "rin@brisk.dev", password });
    const failures = [];
    for (const api of [a, b, a, b, a]) failures.push((await attempt(api, "wrong guess")).status);
    expect(failures).toEqual([401, 401, 401, 401, 401]);

    for (const api of [a, b]) {
      const limited = await attempt(api, DEMO_PASSWORD);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    }
  });
});
