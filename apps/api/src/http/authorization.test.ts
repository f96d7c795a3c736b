import { createHash, randomBytes } from "node:crypto";
import { DEMO_PASSWORD, seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { appRouter, RecentTraces } from "@brisk/trpc";
import { signedInRequest, TEST_DASHBOARD_ORIGIN } from "@brisk/trpc/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callProcedure, startTestApi } from "../testing";

/**
 * Who may call what, over real HTTP: every procedure of the router, as each kind of caller
 * the product has, with the status each must get. A procedure without a row fails the first
 * test, so none ships without its rule.
 */
const database = useTestDatabase();
let api: Awaited<ReturnType<typeof startTestApi>>;

// The test dashboard is served over http, so the cookie has its plain name.
const COOKIE = "brisk_session";
const MEMBER = 2;
const OTHER_MEMBER = 3;
const ADMIN = 1;

const CALLERS = ["anonymous", "member", "otherMember", "admin", "memberKey", "adminKey"] as const;
type Caller = (typeof CALLERS)[number];
type Status = 200 | 401 | 403 | 404 | 412;

const fixtures = {
  memberKey: "",
  adminKey: "",
  memberPost: 0,
  memberDraft: 0,
  email: 0,
  memberReport: 0,
};
let unique = 0;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const session = async (userId: number) => (await signedInRequest(api.runtime, userId)).token;

/** A caller's credentials: each call a new session, so a cell that signs out spoils no other. */
async function headersOf(caller: Caller): Promise<Record<string, string>> {
  const cookie = async (userId: number) => ({
    cookie: `${COOKIE}=${await session(userId)}`,
    origin: TEST_DASHBOARD_ORIGIN,
  });
  switch (caller) {
    case "anonymous":
      return {};
    case "member":
      return cookie(MEMBER);
    case "otherMember":
      return cookie(OTHER_MEMBER);
    case "admin":
      return cookie(ADMIN);
    case "memberKey":
      return bearer(fixtures.memberKey);
    case "adminKey":
      return bearer(fixtures.adminKey);
  }
}

/** A call that must succeed, to make what a cell acts on. */
async function made<T>(path: string, input: unknown, headers: Record<string, string>) {
  const answer = await callProcedure(api.base, path, input, headers);
  expect(answer.status, answer.text).toBe(200);
  return answer.body!.result!.data as T;
}

/** A token for a new invitation, as the send-invitation-email job would mail it. */
async function invitationToken() {
  const invited = await made<{ invitation: { id: number } }>(
    "users.invite",
    { name: "Matrix Invitee", email: `invitee-${++unique}@example.com` },
    bearer(fixtures.adminKey),
  );
  const token = randomBytes(32).toString("base64url");
  const hash = createHash("sha256").update(token).digest("hex");
  await database.handle.sql`
    update invitations set token_hash = ${hash} where id = ${invited.invitation.id}`;
  return token;
}

const memberPost = async (status: "draft" | "published") =>
  (
    await made<{ id: number }>(
      "posts.create",
      { title: `A ${status} of the member`, body: "", status },
      bearer(await session(MEMBER)),
    )
  ).id;

const everyone = (status: Status): Record<Caller, Status> =>
  Object.fromEntries(CALLERS.map((caller) => [caller, status])) as Record<Caller, Status>;
const ADMINS_ONLY: Record<Caller, Status> = {
  anonymous: 401,
  member: 403,
  otherMember: 403,
  admin: 200,
  memberKey: 403,
  adminKey: 200,
};
const RUNS_ELSEWHERE: Record<Caller, Status> = { ...ADMINS_ONLY, admin: 412, adminKey: 412 };
const RUN_ID = "0d4b7a52-3c1e-4f5a-9b8e-2f6c1d0a9e71";
/** A member's own rows: theirs and admins'. A member's API key is not that member. */
const OWNER_OR_ADMIN: Record<Caller, Status> = { ...ADMINS_ONLY, member: 200 };
/** A draft of the member: to anyone who may not read it, it does not exist (documented). */
const DRAFT_READERS: Record<Caller, Status> = {
  anonymous: 404,
  member: 200,
  otherMember: 404,
  admin: 200,
  memberKey: 404,
  adminKey: 200,
};
const SEES_MEMBER_PRIVATE: readonly Caller[] = ["member", "admin", "adminKey"];

interface Row {
  /** A representative input, made anew for each caller (a cell may use up what it acts on). */
  input?: () => unknown;
  expect: Record<Caller, Status>;
  /** What else a successful answer must show to this caller. */
  check?: (caller: Caller, data: unknown) => void;
}

const MATRIX: Record<string, Row> = {
  "auth.me": {
    expect: everyone(200),
    check: (caller, data) => {
      const kind = caller === "anonymous" ? null : caller.endsWith("Key") ? "apiKey" : "user";
      expect((data as { kind: string } | null)?.kind ?? null).toBe(kind);
    },
  },
  "auth.signUp": {
    input: () => ({
      name: "Matrix Newcomer",
      email: `newcomer-${++unique}@example.com`,
      password: "correct horse battery staple",
    }),
    expect: everyone(200),
  },
  "auth.signIn": {
    input: () => ({ email: "sol@brisk.dev", password: DEMO_PASSWORD }),
    expect: everyone(200),
  },
  "auth.signOut": { expect: everyone(200) },
  "auth.acceptInvitation": {
    input: async () => ({ token: await invitationToken(), password: "correct horse battery" }),
    expect: everyone(200),
  },
  // The same password again, so the seeded one keeps working; an API key has none.
  "auth.changePassword": {
    input: () => ({ currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD }),
    expect: { ...everyone(200), anonymous: 401, memberKey: 403, adminKey: 403 },
  },
  "apiKeys.list": { expect: ADMINS_ONLY },
  "apiKeys.create": { input: () => ({ name: "matrix" }), expect: ADMINS_ONLY },
  "apiKeys.revoke": {
    input: async () => ({
      id: (
        await made<{ id: number }>(
          "apiKeys.create",
          { name: "to revoke" },
          bearer(fixtures.adminKey),
        )
      ).id,
    }),
    expect: ADMINS_ONLY,
  },
  "users.list": { input: () => ({}), expect: everyone(200) },
  "users.byId": {
    input: () => ({ id: MEMBER }),
    expect: everyone(200),
    check: (caller, data) => {
      const email = (data as { email?: string }).email;
      expect(email).toBe(SEES_MEMBER_PRIVATE.includes(caller) ? "member@brisk.dev" : undefined);
    },
  },
  // The name it has, so other rows see the seeded user.
  "users.update": { input: () => ({ id: MEMBER, name: "Morgan Member" }), expect: OWNER_OR_ADMIN },
  "users.setRole": { input: () => ({ id: 4, role: "member" }), expect: ADMINS_ONLY },
  "users.invite": {
    input: () => ({ name: "Matrix Invitee", email: `invited-${++unique}@example.com` }),
    expect: ADMINS_ONLY,
  },
  "posts.list": {
    input: () => ({ authorId: MEMBER, status: "draft", limit: 100 }),
    expect: everyone(200),
    check: (caller, data) => {
      const ids = (data as { items: { id: number }[] }).items.map((post) => post.id);
      expect(ids.includes(fixtures.memberDraft)).toBe(SEES_MEMBER_PRIVATE.includes(caller));
    },
  },
  "posts.byId": { input: () => ({ id: fixtures.memberDraft }), expect: DRAFT_READERS },
  // Naming the member as author: only the member themselves, or an admin, may.
  "posts.create": {
    input: () => ({ authorId: MEMBER, title: "Made by the matrix", body: "" }),
    expect: OWNER_OR_ADMIN,
  },
  "posts.update": {
    input: () => ({ id: fixtures.memberPost, title: "Edited by the matrix" }),
    expect: OWNER_OR_ADMIN,
  },
  "posts.delete": {
    input: async () => ({ id: await memberPost("published") }),
    expect: OWNER_OR_ADMIN,
  },
  "ops.metrics": { expect: ADMINS_ONLY },
  "ops.traces": { expect: ADMINS_ONLY },
  // Other users' addresses and invitation links.
  "mailbox.list": { input: () => ({}), expect: ADMINS_ONLY },
  "mailbox.byId": { input: () => ({ id: fixtures.email }), expect: ADMINS_ONLY },
  // Runs carry other users' event data. Here runs are in Inngest's console (cloud mode): the
  // list says where, a run's own page is refused as not here (412).
  "jobs.list": { input: () => ({}), expect: ADMINS_ONLY },
  "jobs.byId": { input: () => ({ id: RUN_ID }), expect: RUNS_ELSEWHERE },
  "jobs.retry": { input: () => ({ id: RUN_ID }), expect: RUNS_ELSEWHERE },
  "jobs.cancel": { input: () => ({ id: RUN_ID }), expect: RUNS_ELSEWHERE },
  // Live progress: a member follows the runs done for them, an admin all; a member's key is
  // no member. Over SSE, a refusal is the error event and the status it carries.
  "jobs.progress": {
    input: () => ({ lastEventId: "0" }),
    expect: { ...everyone(200), anonymous: 401, memberKey: 403 },
    check: (caller, data) => {
      const owner = { member: MEMBER, otherMember: OTHER_MEMBER } as Record<Caller, number>;
      if (owner[caller]) expect((data as { ownerId: number }).ownerId).toBe(owner[caller]);
    },
  },
  "tags.list": { expect: everyone(200) },
  // An author's numbers and their providers': the author's own and admins'. No providers are
  // configured here, so each part answers failed at once; their paths have their own tests.
  "reports.snapshot": { input: () => ({ authorId: MEMBER }), expect: OWNER_OR_ADMIN },
  // Reports belong to the user who ordered them: an API key orders none (no user to own it).
  "reports.order": {
    input: () => ({ authorId: MEMBER, from: "2026-01-01", to: "2026-01-31" }),
    expect: { ...OWNER_OR_ADMIN, adminKey: 403 },
  },
  "reports.list": {
    input: () => ({}),
    expect: { ...everyone(200), anonymous: 401, memberKey: 403 },
    check: (caller, data) => {
      const orderers = (data as { reports: { requestedById: number }[] }).reports.map(
        (report) => report.requestedById,
      );
      if (caller === "member") expect(new Set(orderers)).toEqual(new Set([MEMBER]));
      if (caller === "otherMember") expect(orderers).toEqual([]);
    },
  },
  "reports.byId": { input: () => ({ id: fixtures.memberReport }), expect: OWNER_OR_ADMIN },
  "tags.create": {
    input: () => ({ name: "Matrix", slug: `matrix-${++unique}`, colour: "#123456" }),
    expect: ADMINS_ONLY,
  },
  "tags.update": { input: () => ({ id: 1, colour: "#2563eb" }), expect: ADMINS_ONLY },
  "tags.delete": {
    input: async () => ({
      id: (
        await made<{ id: number }>(
          "tags.create",
          { name: "Doomed", slug: `doomed-${++unique}`, colour: "#000000" },
          bearer(fixtures.adminKey),
        )
      ).id,
    }),
    expect: ADMINS_ONLY,
  },
};

beforeAll(async () => {
  await seed(database.handle.sql, { users: 10, postsPerUser: 2, demo: true });
  api = await startTestApi(database, {
    // Limits have their own tests; here they must never be what answers.
    auth: { dashboardOrigins: [TEST_DASHBOARD_ORIGIN], rateLimitMultiplier: 10_000 },
    // The Ops page's sources exist only with per-call telemetry and a slow-trace buffer.
    telemetry: { perCall: true, slowTraces: new RecentTraces({ slowMs: 100, capacity: 10 }) },
    // The executor's runs API has its own tests (packages/trpc jobs.test.ts).
    runs: { mode: "cloud" },
  });
  const admin = bearer(await session(ADMIN));
  type Key = { token: string };
  fixtures.adminKey = (
    await made<Key>("apiKeys.create", { name: "ops", role: "admin" }, admin)
  ).token;
  fixtures.memberKey = (await made<Key>("apiKeys.create", { name: "feed" }, admin)).token;
  fixtures.memberPost = await memberPost("published");
  fixtures.memberDraft = await memberPost("draft");
  fixtures.memberReport = (
    await made<{ id: number }>("reports.order", {}, bearer(await session(MEMBER)))
  ).id;
  const [email] = await database.handle.sql<{ id: number }[]>`
    insert into emails ("to", subject, text, kind) values ('member@brisk.dev', 'Hi', 'Hi', 'test')
    returning id::int as id`;
  fixtures.email = email!.id;
  // Progress of a run done for each member, so every subscriber allowed has an event to get.
  await database.handle.sql`
    insert into job_progress (run_id, function_id, owner_id, kind, done, total)
    values ('matrix-run', 'make-cover-thumbnails', ${MEMBER}, 'step', 1, 5),
           ('matrix-run-2', 'make-cover-thumbnails', ${OTHER_MEMBER}, 'step', 1, 5)`;
});
afterAll(() => api?.stop());

describe("the authorization matrix", () => {
  it("has a row for every procedure of the router, and none for a procedure it lacks", () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    const rows = Object.keys(MATRIX).sort();
    expect(
      procedures.filter((path) => !rows.includes(path)),
      "procedures without a row: add each, with who may call it",
    ).toEqual([]);
    expect(rows.filter((path) => !procedures.includes(path))).toEqual([]);
  });

  it.for(Object.entries(MATRIX))("%s", async ([path, row]) => {
    const seen: Partial<Record<Caller, number>> = {};
    const answers: string[] = [];
    for (const caller of CALLERS) {
      const answer = await callProcedure(
        api.base,
        path,
        await row.input?.(),
        await headersOf(caller),
      );
      seen[caller] = answer.status;
      if (answer.status !== row.expect[caller]) answers.push(`${caller}: ${answer.text}`);
      if (answer.status === 200) row.check?.(caller, answer.body?.result?.data);
      else expect(answer.body?.error?.message, `${caller}: ${answer.text}`).toMatch(/\w{3}/);
    }
    // All cells at once, so a failure shows the whole row.
    expect(seen, answers.join("\n")).toEqual(row.expect);
  });
});

describe("mutations that carry the session cookie", () => {
  const rename = (headers: Record<string, string>) =>
    callProcedure(api.base, "users.update", { id: MEMBER, name: "Morgan Member" }, headers);
  const cookieOf = async (userId: number) => ({ cookie: `${COOKIE}=${await session(userId)}` });

  it("are refused without the dashboard's Origin, with a reason", async () => {
    const cookie = await cookieOf(MEMBER);
    const refusals = [
      await rename(cookie),
      await rename({ ...cookie, origin: "http://evil.test" }),
      await rename({ ...cookie, origin: "null" }),
      await rename({ ...cookie, referer: "http://evil.test/dashboard.test" }),
      await rename({ ...cookie, origin: "http://evil.test", referer: `${TEST_DASHBOARD_ORIGIN}/` }),
    ];
    for (const answer of refusals) {
      expect(answer.status).toBe(403);
      expect(answer.body?.error?.message).toMatch(/dashboard's own pages/);
    }
    // A refused change changed nothing, and the session was not spent on it.
    expect((await rename({ ...cookie, origin: TEST_DASHBOARD_ORIGIN })).status).toBe(200);
  });

  it("fall back to the Referer's origin when a browser sends no Origin", async () => {
    const cookie = await cookieOf(MEMBER);
    const answer = await rename({ ...cookie, referer: `${TEST_DASHBOARD_ORIGIN}/authors/2/edit` });
    expect(answer.status).toBe(200);
  });

  it("are checked for public procedures too: a forged sign-out is refused", async () => {
    const cookie = await cookieOf(MEMBER);
    const answer = await callProcedure(api.base, "auth.signOut", undefined, {
      ...cookie,
      origin: "http://evil.test",
    });
    expect(answer.status).toBe(403);
    const me = await callProcedure(api.base, "auth.me", undefined, cookie);
    expect((me.body?.result?.data as { id: number } | undefined)?.id).toBe(MEMBER);
  });

  it("while queries with the cookie and bearer-token mutations need no Origin", async () => {
    const me = await callProcedure(api.base, "auth.me", undefined, await cookieOf(MEMBER));
    expect((me.body?.result?.data as { id: number } | undefined)?.id).toBe(MEMBER);
    expect((await rename(bearer(await session(MEMBER)))).status).toBe(200);
    expect((await rename(bearer(fixtures.adminKey))).status).toBe(200);
  });
});

describe("a caller who is nobody", () => {
  it("is told 401 and what to do, whether it sent no token or one that matches nothing", async () => {
    for (const headers of [{}, bearer("not-a-session"), bearer("bk_revoked-or-never-made")]) {
      const answer = await callProcedure(
        api.base,
        "posts.create",
        { title: "Anonymous", body: "" },
        headers,
      );
      expect(answer.status).toBe(401);
      expect(answer.body?.error?.message).toBe("Sign in to do this (your session may have ended).");
      expect(answer.body?.error?.data?.code).toBe("UNAUTHORIZED");
    }
  });

  it("is told 403 with the reason when signed in but not allowed", async () => {
    const answer = await callProcedure(
      api.base,
      "tags.create",
      { name: "Nope", slug: "nope", colour: "#000000" },
      bearer(await session(MEMBER)),
    );
    expect(answer.status).toBe(403);
    expect(answer.body?.error?.message).toBe("Only an admin can do this.");
  });

  it("cannot edit or delete a draft it may not see: 404, as if it did not exist", async () => {
    const other = bearer(await session(OTHER_MEMBER));
    const id = fixtures.memberDraft;
    for (const [path, input] of [
      ["posts.update", { id, title: "Hijacked" }],
      ["posts.delete", { id }],
    ] as const) {
      const answer = await callProcedure(api.base, path, input, other);
      expect(answer.status).toBe(404);
      expect(answer.body?.error?.message).toBe(`No post with id ${id}`);
    }
  });
});
