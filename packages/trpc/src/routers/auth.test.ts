import { scryptSync } from "node:crypto";
import {
  formatScryptHash,
  SCRYPT_KEY_LENGTH,
  SCRYPT_PARAMS,
  type ScryptParams,
  scryptMaxmem,
} from "@brisk/db";
import { BENCH_PASSWORD, DEMO_PASSWORD, seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { startTestRedis, type TestRedis } from "@brisk/upstash-bridge/testing";
import { TRPCError } from "@trpc/server";
import { stringifySetCookie } from "cookie";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SESSION_MS, type SignInOutcome, sessionCookie } from "../auth/identity";
import { createPasswordHasher } from "../auth/passwords";
import { createRateLimiter } from "../auth/rate-limit";
import { tokenHash } from "../auth/tokens";
import { createContextFactory } from "../context";
import { internalRequest, type RequestInfo } from "../request";
import { createCaller } from "../router";
import type { Runtime } from "../runtime";
import {
  createTestRuntime,
  fieldErrors,
  signedInRequest,
  TEST_DASHBOARD_ORIGIN,
  testRequest,
  useTestRuntime,
} from "../testing";
import { RETRY_AFTER_S } from "../unavailable";

const database = useTestDatabase();
// With metrics, so that sign-ins and refusals can be counted.
const holder = useTestRuntime(database, { telemetry: { perCall: false } });

// Users 1–4 are the demo accounts (1 an admin); 5–14 bench users (password BENCH_PASSWORD).
beforeAll(async () => {
  await seed(database.handle.sql, { users: 10, postsPerUser: 1, demo: true });
});

/** The start of a hash made with today's parameters. */
const CURRENT = `scrypt$${SCRYPT_PARAMS.N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$`;
const COOKIE = "brisk_session";
const COOKIE_OPTIONS = { httpOnly: true, sameSite: "lax", secure: false, path: "/" };
/** How long to wait for what happens after an answer (a rehash, an extension, another instance). */
const EVENTUALLY = { timeout: 10_000, interval: 20 };

let addresses = 0;
/** A request from an address no other test uses, so the per-address limits start from zero. */
function fresh(init: Parameters<typeof testRequest>[0] = {}) {
  addresses += 1;
  return testRequest({ ip: `198.51.${Math.floor(addresses / 256)}.${addresses % 256}`, ...init });
}

const call = (request: RequestInfo, runtime = holder.runtime) => runtime.caller(request);
const bearer = (token: string) => testRequest({ headers: { authorization: `Bearer ${token}` } });
/** A dashboard request: the session cookie, and the dashboard's own origin. */
const withCookie = (token: string, name = COOKIE) =>
  testRequest({ cookies: { [name]: token }, headers: { origin: TEST_DASHBOARD_ORIGIN } });

/** What a call that must fail threw. */
async function refusal(pending: Promise<unknown>): Promise<TRPCError> {
  const error = await pending.then(
    () => {
      throw new Error("the call succeeded");
    },
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw error;
  return error;
}

/** The token of the session cookie a response set. */
function sessionToken(response: ReturnType<typeof testRequest>["response"], name = COOKIE) {
  const token = response.cookies.get(name)?.value;
  if (!token) throw new Error(`no ${name} cookie was set`);
  return token;
}

/** A counter's value for one label set, from the runtime's Prometheus registry. */
async function counted(name: string, labels: Record<string, string>, runtime = holder.runtime) {
  const metric = runtime.metrics?.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const series = values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return series?.value ?? 0;
}

/** Counters read before and after: how far each moved. */
async function moved(
  series: [name: string, labels: Record<string, string>][],
  act: () => Promise<void>,
) {
  const before = await Promise.all(series.map(([name, labels]) => counted(name, labels)));
  await act();
  const after = await Promise.all(series.map(([name, labels]) => counted(name, labels)));
  return after.map((value, i) => value - before[i]!);
}

const signIns = (outcome: SignInOutcome): [string, Record<string, string>] => [
  "brisk_auth_sign_ins_total",
  { outcome },
];
const limited = (rule: string): [string, Record<string, string>] => [
  "brisk_auth_rate_limited_total",
  { rule },
];

/** A stored hash of `password` made with `params` (the format of @brisk/db's password-hash). */
function hashWith(params: ScryptParams, password: string) {
  const salt = "b2xkZXItcGFyYW1z";
  const key = scryptSync(password, salt, SCRYPT_KEY_LENGTH, {
    ...params,
    maxmem: scryptMaxmem(params),
  });
  return formatScryptHash(params, salt, key.toString("base64url"));
}

async function passwordHashOf(userId: number) {
  const [row] = await database.handle.sql<{ password_hash: string }[]>`
    select password_hash from users where id = ${userId}`;
  return row!.password_hash;
}

async function sessionRow(token: string) {
  const [row] = await database.handle.sql<{ user_id: number; expires_at: string }[]>`
    select user_id, expires_at from sessions where id = ${tokenHash(token)}`;
  return row && { userId: row.user_id, expiresAt: new Date(row.expires_at) };
}

describe("auth.signUp", () => {
  it("normalises the email, makes a member and signs them in with a session cookie", async () => {
    const { request, response } = fresh();
    const user = await call(request).auth.signUp({
      name: "  Nia Newcomer ",
      email: "  Nia.Newcomer@Example.COM ",
      password: "quiet lantern harbour",
    });
    expect(user).toEqual({
      kind: "user",
      id: expect.any(Number),
      name: "Nia Newcomer",
      email: "nia.newcomer@example.com",
      role: "member",
    });
    const [row] = await database.handle.sql<
      { email: string; role: string; password_hash: string }[]
    >`
      select email, role, password_hash from users where id = ${user.id}`;
    expect(row).toMatchObject({ email: "nia.newcomer@example.com", role: "member" });
    expect(row!.password_hash.startsWith(CURRENT)).toBe(true);

    const cookie = response.cookies.get(COOKIE)!;
    expect(cookie.options).toEqual(COOKIE_OPTIONS);
    // What the browser is sent: no Max-Age or Expires, so closing it forgets the session.
    expect(stringifySetCookie(COOKIE, cookie.value, cookie.options)).toBe(
      `${COOKIE}=${cookie.value}; Path=/; HttpOnly; SameSite=Lax`,
    );
    expect((await sessionRow(cookie.value))?.userId).toBe(user.id);
    expect(await call(withCookie(cookie.value).request).auth.me()).toEqual(user);
  });

  it("refuses an email taken in another case or spacing with CONFLICT, and sets no cookie", async () => {
    const { request, response } = fresh();
    const error = await refusal(
      call(request).auth.signUp({
        name: "Morgan Again",
        email: "  MEMBER@Brisk.Dev ",
        password: "quiet lantern harbour",
      }),
    );
    expect(error).toMatchObject({
      code: "CONFLICT",
      message: "An account with that email exists: sign in instead.",
    });
    expect(response.cookies.size).toBe(0);
    const [count] = await database.handle.sql<{ n: number }[]>`
      select count(*)::int as n from users where lower(email) = 'member@brisk.dev'`;
    expect(count?.n).toBe(1);
  });

  const account = { name: "Pia Pulse", email: "pia.pulse@example.com" };
  it.each([
    ["shorter than 10 characters", "nine char", "A password needs at least 10 characters"],
    ["longer than 128", "abcdefghij".repeat(13), "A password is at most 128 characters"],
    [
      "made of too few characters",
      "abababababab",
      "That password repeats too few characters: try a short phrase",
    ],
    [
      "holding the email's name",
      "my PIA.PULSE secret",
      "A password must not contain your name or email",
    ],
    ["holding the name", "hello pia pulse 42", "A password must not contain your name or email"],
  ])("refuses a password %s with a field message", async (_, password, message) => {
    const { request, response } = fresh();
    expect(await fieldErrors(call(request).auth.signUp({ ...account, password }))).toEqual({
      password: [message],
    });
    expect(response.cookies.size).toBe(0);
  });

  it("accepts passwords of exactly 10 and 128 characters", async () => {
    for (const password of ["abcde12345", `${"abcdefghij".repeat(12)}12345678`]) {
      const user = await call(fresh().request).auth.signUp({
        name: "Bo Boundary",
        email: `bo.${password.length}@example.com`,
        password,
      });
      await call(fresh().request).auth.signIn({ email: user.email, password });
    }
  });

  it("refuses a malformed email or a missing name with field messages", async () => {
    expect(
      await fieldErrors(
        call(fresh().request).auth.signUp({
          name: " ",
          email: "not-an-email",
          password: "quiet lantern harbour",
        }),
      ),
    ).toEqual({
      name: ["A name is required"],
      email: ["Enter an email address like name@example.com"],
    });
    expect(
      await fieldErrors(
        call(fresh().request).auth.signUp({
          name: "Long",
          email: `${"x".repeat(250)}@example.com`,
          password: "quiet lantern harbour",
        }),
      ),
    ).toEqual({ email: ["An email address is at most 254 characters"] });
  });

  it("refuses the 11th account from one address within the hour, with Retry-After", async () => {
    const ip = "203.0.113.11";
    for (let i = 0; i < 10; i++) {
      await call(testRequest({ ip }).request).auth.signUp({
        name: `Quinn ${i}`,
        email: `quinn.${i}@example.com`,
        password: "quiet lantern harbour",
      });
    }
    const { request, response } = testRequest({ ip });
    const error = await refusal(
      call(request).auth.signUp({
        name: "Quinn 10",
        email: "quinn.10@example.com",
        password: "quiet lantern harbour",
      }),
    );
    expect(error.code).toBe("TOO_MANY_REQUESTS");
    expect(error.message).toMatch(/^Too many new accounts from here\. Try again in \d+ minutes\.$/);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(response.headers.get("retry-after"))).toBeLessThanOrEqual(3600);
  });

  it.each([
    {
      origins: ["https://brisk.example", "https://admin.brisk.example"],
      name: "__Host-brisk_session",
      secure: true,
    },
    {
      origins: ["https://brisk.example", "http://localhost:3000"],
      name: "brisk_session",
      secure: false,
    },
  ])("names the cookie $name (Secure: $secure) for dashboards at $origins", async (expected) => {
    const runtime = createTestRuntime(database, {
      auth: { dashboardOrigins: expected.origins, rateLimitMultiplier: 1 },
    });
    try {
      const { request, response } = fresh();
      const user = await runtime.caller(request).auth.signUp({
        name: "Hana Host",
        email: `hana.${expected.secure}@example.com`,
        password: "quiet lantern harbour",
      });
      expect([...response.cookies.keys()]).toEqual([expected.name]);
      const cookie = response.cookies.get(expected.name)!;
      expect(cookie.options).toEqual({ ...COOKIE_OPTIONS, secure: expected.secure });
      const me = testRequest({ cookies: { [expected.name]: cookie.value } });
      expect(await runtime.caller(me.request).auth.me()).toMatchObject({ id: user.id });
    } finally {
      await runtime.close();
    }
  });
});

describe("auth.signIn", () => {
  it.each([
    { email: "admin@brisk.dev", id: 1, role: "admin" },
    { email: "member@brisk.dev", id: 2, role: "member" },
  ])("signs the demo account $email in", async ({ email, id, role }) => {
    const { request, response } = fresh();
    const user = await call(request).auth.signIn({
      email: ` ${email.toUpperCase()} `,
      password: DEMO_PASSWORD,
    });
    expect(user).toEqual({ kind: "user", id, name: expect.any(String), email, role });
    const token = sessionToken(response);
    expect(response.cookies.get(COOKIE)?.options).toEqual(COOKIE_OPTIONS);
    expect((await sessionRow(token))?.userId).toBe(id);
    expect(await call(withCookie(token).request).auth.me()).toEqual(user);
  });

  it("says the same for a wrong password and for an unknown email", async () => {
    const wrongPassword = fresh();
    const unknownEmail = fresh();
    const errors = await Promise.all([
      refusal(
        call(wrongPassword.request).auth.signIn({
          email: "sol@brisk.dev",
          password: "not it at all",
        }),
      ),
      refusal(
        call(unknownEmail.request).auth.signIn({
          email: "nobody@brisk.dev",
          password: DEMO_PASSWORD,
        }),
      ),
    ]);
    expect(errors[0]).toMatchObject({ code: "UNAUTHORIZED", message: "Wrong email or password." });
    expect({ code: errors[1].code, message: errors[1].message }).toEqual({
      code: errors[0].code,
      message: errors[0].message,
    });
    expect(wrongPassword.response.cookies.size + unknownEmail.response.cookies.size).toBe(0);
  });

  it("rehashes a password stored with older parameters after it signs in", async () => {
    await database.handle.sql`
      update users set password_hash = ${hashWith({ N: 1024, r: 8, p: 1 }, DEMO_PASSWORD)}
      where id = 3`;
    await call(fresh().request).auth.signIn({ email: "rin@brisk.dev", password: DEMO_PASSWORD });
    // The rehash runs after the answer.
    await vi.waitFor(
      async () => expect((await passwordHashOf(3)).startsWith(CURRENT)).toBe(true),
      EVENTUALLY,
    );
    await call(fresh().request).auth.signIn({ email: "rin@brisk.dev", password: DEMO_PASSWORD });
  });

  it.each([
    { who: "an account", email: "user00003@bench.brisk.dev", right: BENCH_PASSWORD },
    { who: "an unknown email", email: "nobody.here@brisk.dev", right: "whatever it was" },
  ])(
    "refuses sign-in after 5 failures for $who within 15 minutes, from any address",
    async ({ email, right }) => {
      const [failed, limitedSignIns, refusals] = await moved(
        [signIns("failed"), signIns("limited"), limited("sign-in-failures")],
        async () => {
          for (let i = 0; i < 5; i++) {
            await expect(
              call(fresh().request).auth.signIn({ email, password: `wrong guess ${i}` }),
            ).rejects.toMatchObject({ code: "UNAUTHORIZED", message: "Wrong email or password." });
          }
          // Another address, the right password: the account is what is limited.
          const { request, response } = fresh();
          const error = await refusal(call(request).auth.signIn({ email, password: right }));
          // Word for word the same whether the account exists or not.
          expect(error).toMatchObject({
            code: "TOO_MANY_REQUESTS",
            message: "Too many failed sign-ins for this account. Try again in 15 minutes.",
          });
          const retryAfter = Number(response.headers.get("retry-after"));
          expect(retryAfter).toBeGreaterThan(14 * 60);
          expect(retryAfter).toBeLessThanOrEqual(15 * 60);
          expect(response.cookies.size).toBe(0);
        },
      );
      expect({ failed, limitedSignIns, refusals }).toEqual({
        failed: 5,
        limitedSignIns: 1,
        refusals: 1,
      });
    },
  );

  it("refuses the 31st sign-in from one address within a minute", {
    timeout: 120_000,
  }, async () => {
    const ip = "203.0.113.31";
    const [ok, limitedSignIns, refusals] = await moved(
      [signIns("ok"), signIns("limited"), limited("sign-in")],
      async () => {
        for (let i = 0; i < 30; i++) {
          await call(testRequest({ ip }).request).auth.signIn({
            email: "member@brisk.dev",
            password: DEMO_PASSWORD,
          });
        }
        const { request, response } = testRequest({ ip });
        const error = await refusal(
          call(request).auth.signIn({ email: "member@brisk.dev", password: DEMO_PASSWORD }),
        );
        expect(error.code).toBe("TOO_MANY_REQUESTS");
        expect(error.message).toMatch(/^Too many sign-ins from here\. Try again in \d+ seconds\.$/);
        const retryAfter = Number(response.headers.get("retry-after"));
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(60);
        // Another address is not held up.
        await call(fresh().request).auth.signIn({
          email: "member@brisk.dev",
          password: DEMO_PASSWORD,
        });
      },
    );
    expect({ ok, limitedSignIns, refusals }).toEqual({ ok: 31, limitedSignIns: 1, refusals: 1 });
  });
});

describe("a full hash queue", () => {
  it("answers sign-in and sign-up with SERVICE_UNAVAILABLE and changes nothing", async () => {
    const { runtime } = holder;
    const hasher = createPasswordHasher({ concurrency: 1, queue: 0 });
    const outcomes: SignInOutcome[] = [];
    const createContext = createContextFactory({
      db: runtime.db.db,
      cache: runtime.cache,
      log: runtime.log,
      afterResponse: runtime.afterResponse,
      requestTimeoutMs: 30_000,
      exposeErrors: false,
      runs: runtime.createContext(internalRequest("runs")).runs,
      mediaUrl: runtime.createContext(internalRequest("media")).mediaUrl,
      progress: runtime.progress,
      auth: {
        hasher,
        limiter: createRateLimiter({ prefix: "busy:", multiplier: 1 }),
        cookie: sessionCookie([TEST_DASHBOARD_ORIGIN]),
        dashboardOrigins: [TEST_DASHBOARD_ORIGIN],
        observer: { signIn: (outcome) => outcomes.push(outcome), limited() {} },
      },
    });
    const busyCall = (request: RequestInfo) => createCaller(createContext(request));

    // The only slot, held by a verification whose stored parameters make it take seconds:
    // far longer than a sign-in takes to reach the hasher.
    const holding = hasher.verify(
      "x",
      formatScryptHash({ N: 16_384, r: 8, p: 32 }, "c2xvdw", "AA"),
    );
    expect(hasher.load).toBe(1);
    const busy = {
      code: "SERVICE_UNAVAILABLE",
      message:
        "Too many passwords being checked at once; nothing was changed. Retry in a few seconds.",
    };
    const signIn = fresh();
    await expect(
      busyCall(signIn.request).auth.signIn({ email: "member@brisk.dev", password: DEMO_PASSWORD }),
    ).rejects.toMatchObject(busy);
    const signUp = fresh();
    await expect(
      busyCall(signUp.request).auth.signUp({
        name: "Busy Bee",
        email: "busy.bee@example.com",
        password: "quiet lantern harbour",
      }),
    ).rejects.toMatchObject(busy);
    for (const { response } of [signIn, signUp]) {
      expect(response.headers.get("retry-after")).toBe(String(RETRY_AFTER_S));
      expect(response.cookies.size).toBe(0);
    }
    const [count] = await database.handle.sql<{ n: number }[]>`
      select count(*)::int as n from users where email = 'busy.bee@example.com'`;
    expect(count?.n).toBe(0);
    expect(outcomes).toEqual(["busy"]);

    // Once the slot is free, the same sign-in goes through.
    expect(await holding).toEqual({ ok: false, rehash: false });
    await busyCall(fresh().request).auth.signIn({
      email: "member@brisk.dev",
      password: DEMO_PASSWORD,
    });
    expect(outcomes).toEqual(["busy", "ok"]);
  });
});

describe("sessions", () => {
  const sessionWrites = () =>
    database.statements.filter((statement) => statement.startsWith('update "sessions"')).length;

  it.each([
    ["about to expire", "30 seconds"],
    ["last extended two minutes ago", "13 minutes"],
  ])("a session %s is extended by its next use, written once", async (_, left) => {
    const { token, request } = await signedInRequest(holder.runtime, 2);
    await database.handle.sql`
      update sessions set expires_at = now() + ${left}::interval where id = ${tokenHash(token)}`;
    database.resetStatements();
    const used = Date.now();
    expect(await call(request).auth.me()).toMatchObject({ id: 2 });
    await vi.waitFor(
      async () =>
        expect((await sessionRow(token))!.expiresAt.getTime()).toBeGreaterThanOrEqual(
          used + SESSION_MS,
        ),
      EVENTUALLY,
    );
    for (let i = 0; i < 3; i++) await call(request).auth.me();
    expect(sessionWrites()).toBe(1);
  });

  it("a session used again within the minute is not written", async () => {
    const { request } = await signedInRequest(holder.runtime, 2);
    database.resetStatements();
    for (let i = 0; i < 3; i++) await call(request).auth.me();
    expect(database.statements.some((s) => s.includes('from "sessions"'))).toBe(true);
    expect(sessionWrites()).toBe(0);
  });

  it("an expired session is refused by signed-in procedures and anonymous to public ones", async () => {
    const { token, request } = await signedInRequest(holder.runtime, 2);
    await database.handle.sql`
      update sessions set expires_at = now() - interval '1 second' where id = ${tokenHash(token)}`;
    await expect(
      call(request).users.update({ id: 2, name: "Morgan Member" }),
    ).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "Sign in to do this (your session may have ended).",
    });
    expect(await call(request).auth.me()).toBeNull();
    expect(await call(request).users.byId({ id: 2 })).not.toHaveProperty("email");
    // Using it does not bring it back.
    expect((await sessionRow(token))!.expiresAt.getTime()).toBeLessThan(Date.now());
  });

  it("an unknown token is anonymous", async () => {
    expect(await call(bearer("no-such-session").request).auth.me()).toBeNull();
    expect(await call(bearer("bk_no-such-key").request).auth.me()).toBeNull();
  });

  it("a mutation carrying the cookie must come from the dashboard's own origin", async () => {
    const { token } = await signedInRequest(holder.runtime, 2);
    const foreign: Record<string, string>[] = [
      {},
      { origin: "https://elsewhere.example" },
      { referer: "https://elsewhere.example/page" },
    ];
    for (const headers of foreign) {
      const forged = testRequest({ cookies: { [COOKIE]: token }, headers });
      await expect(call(forged.request).auth.signOut()).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }
    expect(await sessionRow(token)).toBeDefined();
    // A browser that sends no Origin still sends the page it came from.
    const own = testRequest({
      cookies: { [COOKIE]: token },
      headers: { referer: `${TEST_DASHBOARD_ORIGIN}/settings` },
    });
    expect(await call(own.request).auth.signOut()).toEqual({ signedOut: true });
    expect(await sessionRow(token)).toBeUndefined();
  });

  it("auth.changePassword refuses an API key and anonymous callers", async () => {
    const input = { currentPassword: DEMO_PASSWORD, newPassword: "a new secret phrase" };
    await expect(call(fresh().request).auth.changePassword(input)).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    const { token } = await call((await signedInRequest(holder.runtime, 1)).request).apiKeys.create(
      { name: "Password changer", role: "admin" },
    );
    await expect(call(bearer(token).request).auth.changePassword(input)).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "An API key has no password.",
    });
  });
});

describe("with the cache on Redis, two instances", () => {
  let redis: TestRedis;
  let a: Runtime;
  let b: Runtime;
  beforeAll(async () => {
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
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  /** Waits until both instances answer `auth.me` for `request` from their caches alone. */
  async function cachedOnBoth(request: () => RequestInfo) {
    await vi.waitFor(async () => {
      database.resetStatements();
      for (const runtime of [a, b])
        expect(await runtime.caller(request()).auth.me()).not.toBeNull();
      expect(database.statements).toEqual([]);
    }, EVENTUALLY);
  }

  it("auth.signOut ends the session, though cached, here at once and on the other instance", async () => {
    const signIn = fresh();
    const user = await a
      .caller(signIn.request)
      .auth.signIn({ email: "member@brisk.dev", password: DEMO_PASSWORD });
    const token = sessionToken(signIn.response);
    await cachedOnBoth(() => withCookie(token).request);

    const out = withCookie(token);
    expect(await a.caller(out.request).auth.signOut()).toEqual({ signedOut: true });
    expect(out.response.cookies.get(COOKIE)).toEqual({
      value: "",
      options: { ...COOKIE_OPTIONS, maxAge: 0 },
    });
    expect(await sessionRow(token)).toBeUndefined();
    expect(await a.caller(withCookie(token).request).auth.me()).toBeNull();
    await expect(
      a.caller(withCookie(token).request).users.update({ id: user.id, name: user.name }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await vi.waitFor(
      async () => expect(await b.caller(withCookie(token).request).auth.me()).toBeNull(),
      EVENTUALLY,
    );
  });

  it("a session is extended once, though its expiry was cached", async () => {
    const { token } = await signedInRequest(a, 3);
    await database.handle.sql`
      update sessions set expires_at = now() + interval '13 minutes' where id = ${tokenHash(token)}`;
    database.resetStatements();
    const used = Date.now();
    await a.caller(bearer(token).request).auth.me();
    await vi.waitFor(
      async () =>
        expect((await sessionRow(token))!.expiresAt.getTime()).toBeGreaterThanOrEqual(
          used + SESSION_MS,
        ),
      EVENTUALLY,
    );
    // Had the extension not dropped the cached expiry, every use would write it again.
    await cachedOnBoth(() => bearer(token).request);
  });

  it("auth.changePassword: a wrong current password is a field error, the right one ends the other sessions", async () => {
    const first = "first secret phrase";
    const second = "second secret phrase";
    const signUp = fresh();
    const user = await a.caller(signUp.request).auth.signUp({
      name: "Cam Changer",
      email: "cam.changer@example.com",
      password: first,
    });
    const current = sessionToken(signUp.response);
    const others: string[] = [];
    for (const runtime of [a, b]) {
      const signIn = fresh();
      await runtime.caller(signIn.request).auth.signIn({ email: user.email, password: first });
      others.push(sessionToken(signIn.response));
    }
    for (const token of others) await cachedOnBoth(() => bearer(token).request);

    expect(
      await fieldErrors(
        a
          .caller(withCookie(current).request)
          .auth.changePassword({ currentPassword: "not my password", newPassword: second }),
      ),
    ).toEqual({ currentPassword: ["That is not your current password"] });
    expect(
      await fieldErrors(
        a
          .caller(withCookie(current).request)
          .auth.changePassword({ currentPassword: first, newPassword: "cam.changer rules" }),
      ),
    ).toEqual({ newPassword: ["A password must not contain your name or email"] });
    // Nothing was changed: every session still works.
    for (const token of [current, ...others]) expect(await sessionRow(token)).toBeDefined();

    expect(
      await a
        .caller(withCookie(current).request)
        .auth.changePassword({ currentPassword: first, newPassword: second }),
    ).toEqual({ endedSessions: 2 });
    for (const token of others) {
      await expect(
        a.caller(bearer(token).request).users.update({ id: user.id, name: "Cam" }),
      ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
      await vi.waitFor(
        async () => expect(await b.caller(bearer(token).request).auth.me()).toBeNull(),
        EVENTUALLY,
      );
    }
    expect(await a.caller(withCookie(current).request).auth.me()).toMatchObject({ id: user.id });
    expect(
      await a.caller(withCookie(current).request).users.update({ id: user.id, name: "Cam C." }),
    ).toEqual({ id: user.id, name: "Cam C." });

    await expect(
      a.caller(fresh().request).auth.signIn({ email: user.email, password: first }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await a.caller(fresh().request).auth.signIn({ email: user.email, password: second });
  });

  it("failed sign-ins are counted across instances", async () => {
    const email = "user00004@bench.brisk.dev";
    for (let i = 0; i < 5; i++) {
      await expect(
        (i % 2 ? a : b).caller(fresh().request).auth.signIn({ email, password: `guess ${i}` }),
      ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    for (const runtime of [a, b]) {
      await expect(
        runtime.caller(fresh().request).auth.signIn({ email, password: BENCH_PASSWORD }),
      ).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    }
  });

  it("a new role applies to the user's cached sessions, here at once and on the other instance", async () => {
    const { request: admin } = await signedInRequest(a, 1);
    const { token } = await signedInRequest(a, 7);
    await cachedOnBoth(() => bearer(token).request);
    await a.caller(admin).users.setRole({ id: 7, role: "admin" });
    expect(await a.caller(bearer(token).request).auth.me()).toMatchObject({ role: "admin" });
    await vi.waitFor(
      async () =>
        expect(await b.caller(bearer(token).request).auth.me()).toMatchObject({ role: "admin" }),
      EVENTUALLY,
    );
    await a.caller(admin).users.setRole({ id: 7, role: "member" });
    await expect(a.caller(bearer(token).request).apiKeys.list()).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await vi.waitFor(
      () =>
        expect(b.caller(bearer(token).request).apiKeys.list()).rejects.toMatchObject({
          code: "FORBIDDEN",
        }),
      EVENTUALLY,
    );
  });
});
