import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { randomToken, tokenHash } from "../auth/tokens";
import { fieldErrors, TEST_DASHBOARD_ORIGIN, testRequest, useTestRuntime } from "../testing";

const database = useTestDatabase();
const holder = useTestRuntime(database);
const { caller, signIn } = holder;

// Users 1–4 are the demo accounts (1 an admin, 2 a member).
beforeAll(async () => {
  await seed(database.handle.sql, { users: 0, postsPerUser: 0, demo: true });
});

let addresses = 0;
/** A request from an address no other test uses, so the per-address limit starts from zero. */
function fresh() {
  addresses += 1;
  return testRequest({ ip: `203.0.113.${addresses}`, headers: { origin: TEST_DASHBOARD_ORIGIN } });
}

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

const invitationOf = async (userId: number) => {
  const [row] = await database.handle.sql<
    {
      id: number;
      token_hash: string | null;
      expires_at: Date;
      used_at: Date | null;
      created_by_id: number | null;
    }[]
  >`select id, token_hash, expires_at, used_at, created_by_id from invitations where user_id = ${userId}`;
  return row!;
};

/** An invited member with a token, as the send-invitation-email job leaves them. */
async function invited(name: string, email: string) {
  const asAdmin = await signIn(1);
  const user = await asAdmin().users.invite({ name, email });
  const token = randomToken();
  await database.handle.sql`
    update invitations set token_hash = ${tokenHash(token)} where id = ${user.invitation.id}`;
  return { user, token };
}

describe("users.invite", () => {
  it("makes a member with no password, an invitation for 24 h and its event, as an admin", async () => {
    const asAdmin = await signIn(1);
    const before = Date.now();
    const user = await asAdmin().users.invite({ name: " Ivy Invitee ", email: "Ivy@Example.com " });
    expect(user).toMatchObject({ name: "Ivy Invitee", email: "ivy@example.com", role: "member" });

    const [row] = await database.handle.sql`select password_hash from users where id = ${user.id}`;
    expect(row?.password_hash).toBeNull();
    const invitation = await invitationOf(user.id);
    expect(invitation).toMatchObject({ id: user.invitation.id, token_hash: null, used_at: null });
    expect(invitation.created_by_id).toBe(1);
    const expires = new Date(invitation.expires_at).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + 24 * 3600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);

    const events = await database.handle.sql`
      select data from outbox where name = 'user/invited' and data->>'userId' = ${String(user.id)}`;
    expect(events.map((e) => e.data)).toEqual([
      // The inviting admin keys the invitation job's concurrency (one admin's burst waits).
      { userId: user.id, invitationId: user.invitation.id, invitedBy: "user:1" },
    ]);
  });

  it("works with an admin API key, with no inviting user recorded", async () => {
    const asAdmin = await signIn(1);
    const key = await asAdmin().apiKeys.create({ name: "Onboarding", role: "admin" });
    const withKey = holder.runtime.caller(
      testRequest({ headers: { authorization: `Bearer ${key.token}` } }).request,
    );
    const user = await withKey.users.invite({ name: "Kai Keyed", email: "kai@example.com" });
    expect((await invitationOf(user.id)).created_by_id).toBeNull();
    // The key's own concurrency group: a service's burst does not queue behind an admin's.
    const [event] = await database.handle.sql`
      select data from outbox where name = 'user/invited' and data->>'userId' = ${String(user.id)}`;
    expect(event?.data).toMatchObject({ invitedBy: `apiKey:${key.id}` });
  });

  it("refuses a member (403) and anyone signed out (401), writing nothing", async () => {
    const asMember = await signIn(2);
    const input = { name: "Nope", email: "nope@example.com" };
    expect((await refusal(asMember().users.invite(input))).code).toBe("FORBIDDEN");
    expect((await refusal(caller().users.invite(input))).code).toBe("UNAUTHORIZED");
    const rows = await database.handle.sql`select id from users where email = 'nope@example.com'`;
    expect(rows).toHaveLength(0);
  });

  it("refuses a taken email with CONFLICT and records no event", async () => {
    const asAdmin = await signIn(1);
    const before = await database.handle.sql`select count(*)::int as n from outbox`;
    const error = await refusal(
      asAdmin().users.invite({ name: "Twin", email: " MEMBER@brisk.dev" }),
    );
    expect(error).toMatchObject({
      code: "CONFLICT",
      message: "An account with that email exists already.",
    });
    expect(await database.handle.sql`select count(*)::int as n from outbox`).toEqual(before);
  });

  it("rejects a bad email and an empty name with field messages", async () => {
    const asAdmin = await signIn(1);
    expect(await fieldErrors(asAdmin().users.invite({ name: " ", email: "nobody" }))).toEqual({
      name: ["A name is required"],
      email: ["Enter an email address like name@example.com"],
    });
  });

  it("leaves the invited member unable to sign in with any password", async () => {
    await invited("Pat Pending", "pat@example.com");
    for (const password of ["", "x", "a fine passphrase"]) {
      const error = await refusal(
        holder.runtime
          .caller(fresh().request)
          .auth.signIn({ email: "pat@example.com", password: password || "?" }),
      );
      expect(error.code).toBe("UNAUTHORIZED");
    }
  });
});

describe("auth.acceptInvitation", () => {
  it("sets the password, marks the invitation used and signs the member in", async () => {
    const { user, token } = await invited("Nia New", "nia@example.com");
    const { request, response } = fresh();
    const accepted = await holder.runtime
      .caller(request)
      .auth.acceptInvitation({ token, password: "a fine passphrase" });
    expect(accepted).toEqual({
      kind: "user",
      id: user.id,
      name: "Nia New",
      email: "nia@example.com",
      role: "member",
    });
    const cookie = response.cookies.get("brisk_session");
    expect(cookie?.options).toEqual({ httpOnly: true, sameSite: "lax", secure: false, path: "/" });
    const session = holder.runtime.caller(
      testRequest({
        cookies: { brisk_session: cookie!.value },
        headers: { origin: TEST_DASHBOARD_ORIGIN },
      }).request,
    );
    expect(await session.auth.me()).toMatchObject({ id: user.id, kind: "user" });
    expect((await invitationOf(user.id)).used_at).not.toBeNull();

    // The password now signs in; the link does not work a second time.
    const signedIn = await holder.runtime
      .caller(fresh().request)
      .auth.signIn({ email: "nia@example.com", password: "a fine passphrase" });
    expect(signedIn).toMatchObject({ id: user.id });
    const again = await refusal(
      holder.runtime
        .caller(fresh().request)
        .auth.acceptInvitation({ token, password: "another fine phrase" }),
    );
    expect(again).toMatchObject({
      code: "BAD_REQUEST",
      message: "This invitation has been used already: sign in with your password.",
    });
  });

  it("refuses an expired link and an unknown one, setting no cookie", async () => {
    const { user, token } = await invited("Eve Expired", "eve@example.com");
    await database.handle.sql`
      update invitations set expires_at = now() - interval '1 second' where user_id = ${user.id}`;
    const { request, response } = fresh();
    const expired = await refusal(
      holder.runtime
        .caller(request)
        .auth.acceptInvitation({ token, password: "a fine passphrase" }),
    );
    expect(expired.message).toBe(
      "This invitation has expired (links work for 24 hours): ask an admin for a new one.",
    );
    const unknown = await refusal(
      holder.runtime
        .caller(fresh().request)
        .auth.acceptInvitation({ token: randomToken(), password: "a fine passphrase" }),
    );
    expect(unknown).toMatchObject({
      code: "BAD_REQUEST",
      message: "This invitation link is not valid: ask an admin for a new invitation.",
    });
    expect(response.cookies.size).toBe(0);
    const [row] = await database.handle.sql`select password_hash from users where id = ${user.id}`;
    expect(row?.password_hash).toBeNull();
  });

  it("judges the password as sign-up does, and keeps the link usable", async () => {
    const { user, token } = await invited("Wanda Weak", "wanda@example.com");
    const accept = (password: string) =>
      holder.runtime.caller(fresh().request).auth.acceptInvitation({ token, password });
    expect(await fieldErrors(accept("short"))).toEqual({
      password: ["A password needs at least 10 characters"],
    });
    expect(await fieldErrors(accept("aaaaaaaaaaaa"))).toEqual({
      password: ["That password repeats too few characters: try a short phrase"],
    });
    expect(await fieldErrors(accept("my wanda password"))).toEqual({
      password: ["A password must not contain your name or email"],
    });
    expect((await invitationOf(user.id)).used_at).toBeNull();
    await accept("a fine passphrase");
  });

  it("limits attempts per client address", async () => {
    const request = fresh().request;
    const attempt = () =>
      refusal(
        holder.runtime
          .caller(request)
          .auth.acceptInvitation({ token: randomToken(), password: "a fine passphrase" }),
      );
    for (let i = 0; i < 20; i++) expect((await attempt()).code).toBe("BAD_REQUEST");
    const limited = await attempt();
    expect(limited.code).toBe("TOO_MANY_REQUESTS");
    expect(limited.message).toMatch(/^Too many invitation attempts from here\. Try again in/);
  });
});
