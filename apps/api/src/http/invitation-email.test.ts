import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { type EventReceiver, runFunction, startEventReceiver } from "@brisk/jobs/testing";
import { signedInRequest, TEST_DASHBOARD_ORIGIN } from "@brisk/trpc/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callProcedure, startTestApi } from "../testing";

/**
 * users.invite through apps/api as main.ts wires it: the invitation's event goes through the
 * outbox to an event API (a node:http stand-in answering as Inngest's does), and
 * send-invitation-email runs through the real serve endpoint at /api/inngest.
 */
const database = useTestDatabase();
const FN_ID = "brisk-send-invitation-email";
let receiver: EventReceiver;
let api: Awaited<ReturnType<typeof startTestApi>>;
let adminToken: string;

beforeAll(async () => {
  await seed(database.handle.sql, { users: 0, postsPerUser: 0, demo: true });
  receiver = await startEventReceiver();
  api = await startTestApi(database, {
    jobs: {
      inngest: { mode: "dev", url: receiver.url },
      email: { transport: "mailbox", from: "Brisk <no-reply@brisk.test>" },
      relay: { baseDelayMs: 20, maxDelayMs: 200, idleMs: 100 },
    },
  });
  adminToken = (await signedInRequest(api.runtime, 1)).token;
});
afterAll(async () => {
  await api?.stop();
  await receiver?.stop();
});

async function until<T>(probe: () => Promise<T> | T, done: (value: T) => boolean, what: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const emailsTo = (to: string) =>
  database.handle.sql<
    { subject: string; text: string; html: string; kind: string; idempotency_key: string }[]
  >`
    select subject, text, html, kind, idempotency_key from emails where "to" = ${to}`;

async function invite(name: string, email: string) {
  const res = await callProcedure(
    api.base,
    "users.invite",
    { name, email },
    { authorization: `Bearer ${adminToken}` },
  );
  expect(res.status).toBe(200);
  return res.body!.result!.data as { id: number; invitation: { id: number } };
}

const accept = (token: string, password: string) =>
  callProcedure(
    api.base,
    "auth.acceptInvitation",
    { token, password },
    { origin: TEST_DASHBOARD_ORIGIN },
  );

describe("user/invited → send-invitation-email", () => {
  it("mails one link per invitation however often it runs, and the link works once", async () => {
    const name = `<i>Ina & "Co"</i>`;
    const user = await invite(name, "ina@example.com");
    const invitationId = user.invitation.id;
    const event = (await until(
      () => receiver.received.find((e) => e.data.invitationId === invitationId),
      Boolean,
      "the event at the event API",
    ))!;
    expect(event).toMatchObject({ name: "user/invited", data: { userId: user.id, invitationId } });

    const serveUrl = `${api.origin}/api/inngest`;
    expect((await runFunction(serveUrl, FN_ID, event)).result).toEqual({ outcome: "sent" });
    // Delivered again, and the step run again within one run: neither sends nor makes a new token.
    const [before] = await database.handle.sql<{ token_hash: string }[]>`
      select token_hash from invitations where id = ${invitationId}`;
    const hash = before?.token_hash;
    expect((await runFunction(serveUrl, FN_ID, event)).result).toEqual({ outcome: "duplicate" });
    const retried = await runFunction(serveUrl, FN_ID, event, { runId: "run-retried" });
    expect(retried.result).toEqual({ outcome: "duplicate" });
    const [after] = await database.handle.sql`
      select token_hash from invitations where id = ${invitationId}`;
    expect(after?.token_hash).toBe(hash);

    const sent = await emailsTo("ina@example.com");
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      kind: "invitation",
      idempotency_key: `invitation:${invitationId}`,
      subject: "You are invited to Brisk",
    });
    expect(sent[0]?.html).toContain("Hello &lt;i&gt;Ina &amp; &quot;Co&quot;&lt;/i&gt;,");
    const link = /href="([^"]+)"/.exec(sent[0]!.html)?.[1];
    expect(link).toMatch(new RegExp(`^${TEST_DASHBOARD_ORIGIN}/invitation/[A-Za-z0-9_-]{43}$`));
    expect(sent[0]?.text).toContain(link);
    const token = link!.split("/").pop()!;
    // Stored only as its hash.
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await database.handle.sql`select * from invitations`)).not.toContain(
      token,
    );

    const first = await accept(token, "a fine passphrase");
    expect(first.status).toBe(200);
    expect(first.headers.get("set-cookie")).toMatch(/^brisk_session=/);
    const second = await accept(token, "a fine passphrase");
    expect(second.status).toBe(400);
    expect(second.body?.error?.message).toBe(
      "This invitation has been used already: sign in with your password.",
    );
  });

  it("sends concurrent runs as one email with a working link", async () => {
    const user = await invite("Race Ray", "ray@example.com");
    const event = {
      name: "user/invited",
      data: { userId: user.id, invitationId: user.invitation.id },
    };
    const serveUrl = `${api.origin}/api/inngest`;
    const results = await Promise.all([1, 2, 3].map(() => runFunction(serveUrl, FN_ID, event)));
    expect(results.map((r) => (r.result as { outcome: string }).outcome).sort()).toEqual([
      "duplicate",
      "duplicate",
      "sent",
    ]);
    const [sent] = await emailsTo("ray@example.com");
    const token = /\/invitation\/([A-Za-z0-9_-]{43})/.exec(sent!.text)![1]!;
    expect((await accept(token, "a fine passphrase")).status).toBe(200);
  });

  it("mails nothing for an invitation used or expired before it ran", async () => {
    const user = await invite("Late Lu", "lu@example.com");
    await database.handle.sql`
      update invitations set expires_at = now() - interval '1 second' where id = ${user.invitation.id}`;
    const event = {
      name: "user/invited",
      data: { userId: user.id, invitationId: user.invitation.id },
    };
    const run = await runFunction(`${api.origin}/api/inngest`, FN_ID, event);
    expect(run.result).toEqual({ outcome: "expired" });
    expect(await emailsTo("lu@example.com")).toHaveLength(0);
  });
});
