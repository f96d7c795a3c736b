import { useTestDatabase } from "@brisk/db/testing/database";
import { JOB_DEFINITIONS, type JobsSettings } from "@brisk/jobs";
import { type EventReceiver, runFunction, startEventReceiver } from "@brisk/jobs/testing";
import { TEST_DASHBOARD_ORIGIN } from "@brisk/trpc/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callProcedure, startTestApi } from "../testing";

/**
 * Background jobs through apps/api as main.ts wires them: sign-up records its event, the
 * relay sends it to an event API (a node:http stand-in answering as Inngest's does), and the
 * welcome function runs through the real serve endpoint at /api/inngest, driven over Inngest's
 * wire protocol as an executor would.
 */
const database = useTestDatabase();
const FN_ID = "brisk-send-welcome-email";
const SIGNING_KEY = "signkey-test-6f1c2b0a9d8e7f60";
let receiver: EventReceiver;
let api: Awaited<ReturnType<typeof startTestApi>>;
let cloud: Awaited<ReturnType<typeof startTestApi>>;

const email = { transport: "mailbox", from: "Brisk <no-reply@brisk.test>" } as const;
const relay = { baseDelayMs: 20, maxDelayMs: 200, idleMs: 100 };

beforeAll(async () => {
  receiver = await startEventReceiver();
  const dev: JobsSettings = { inngest: { mode: "dev", url: receiver.url }, email, relay };
  api = await startTestApi(database, { jobs: dev });
  cloud = await startTestApi(database, {
    jobs: {
      inngest: { mode: "cloud", signingKey: SIGNING_KEY, eventKey: "test-event-key" },
      email,
      // Its relay sends nowhere reachable; this instance is here for its serve endpoint.
      relay: { idleMs: 60_000 },
    },
  });
});
afterAll(async () => {
  await Promise.all([api?.stop(), cloud?.stop()]);
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
  database.handle.sql`
    select "to", subject, text, html, kind, status, sent_at, idempotency_key
    from emails where "to" = ${to}`;

async function signUp(name: string, address: string) {
  const res = await callProcedure(
    api.base,
    "auth.signUp",
    { name, email: address, password: "a fine passphrase" },
    { origin: TEST_DASHBOARD_ORIGIN },
  );
  expect(res.status).toBe(200);
  return (res.body!.result!.data as { id: number }).id;
}

describe("user/signed-up → send-welcome-email", () => {
  it("records the event with the account and sends it with the outbox row's id", async () => {
    const userId = await signUp("Outbox Olga", "olga@example.com");
    const [row] = await database.handle.sql`
      select id, data from outbox where name = 'user/signed-up' and data->>'userId' = ${String(userId)}`;
    expect(row?.data).toEqual({ userId });
    const event = await until(
      () => receiver.received.find((e) => e.id === row?.id),
      Boolean,
      "the event at the event API",
    );
    expect(event).toMatchObject({ name: "user/signed-up", data: { userId } });
  });

  it("records nothing when the sign-up is refused", async () => {
    await signUp("First Fay", "fay@example.com");
    const before = await database.handle.sql`select count(*)::int as n from outbox`;
    const again = await callProcedure(
      api.base,
      "auth.signUp",
      { name: "Second Fay", email: "FAY@example.com", password: "a fine passphrase" },
      { origin: TEST_DASHBOARD_ORIGIN },
    );
    expect(again.status).toBe(409);
    expect(await database.handle.sql`select count(*)::int as n from outbox`).toEqual(before);
  });

  it("sends one welcome email, escaped, however often the event comes or the step runs", async () => {
    const name = `<b>Ann & "Bo"</b>`;
    const userId = await signUp(name, "ann@example.com");
    const event = (await until(
      () => receiver.received.find((e) => e.data.userId === userId),
      Boolean,
      "the event at the event API",
    ))!;
    const serveUrl = `${api.origin}/api/inngest`;

    const first = await runFunction(serveUrl, FN_ID, event);
    expect(first.result).toEqual({ outcome: "sent" });
    // Delivered again (a new run), and the step run again within one run (a retry that lost
    // its memoized result): neither sends.
    const second = await runFunction(serveUrl, FN_ID, event);
    expect(second.result).toEqual({ outcome: "duplicate" });
    const retried = await runFunction(serveUrl, FN_ID, event, { runId: "run-retried" });
    expect(retried.result).toEqual({ outcome: "duplicate" });

    const sent = await emailsTo("ann@example.com");
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      kind: "welcome",
      status: "sent",
      idempotency_key: `welcome:${userId}`,
      subject: `Welcome to Brisk, ${name}`,
    });
    expect(sent[0]?.sent_at).not.toBeNull();
    expect(sent[0]?.text).toContain(`Hello ${name},`);
    expect(sent[0]?.html).toContain("Hello &lt;b&gt;Ann &amp; &quot;Bo&quot;&lt;/b&gt;,");
    expect(sent[0]?.html).not.toContain("<b>Ann");
  });

  it("sends two at once as one email", async () => {
    const userId = await signUp("Race Rita", "rita@example.com");
    const event = { name: "user/signed-up", data: { userId } };
    const serveUrl = `${api.origin}/api/inngest`;
    const results = await Promise.all([1, 2, 3].map(() => runFunction(serveUrl, FN_ID, event)));
    expect(results.map((r) => (r.result as { outcome: string }).outcome).sort()).toEqual([
      "duplicate",
      "duplicate",
      "sent",
    ]);
    expect(await emailsTo("rita@example.com")).toHaveLength(1);
  });

  it("syncs the function with its trigger, idempotency key and retries", async () => {
    const introspection = await fetch(`${api.origin}/api/inngest`);
    expect(introspection.status).toBe(200);
    // Each job is two functions at Inngest: itself and its onFailure handler.
    expect(await introspection.json()).toMatchObject({
      function_count: JOB_DEFINITIONS.length * 2,
      mode: "dev",
    });

    const sync = await fetch(`${api.origin}/api/inngest`, { method: "PUT" });
    expect(sync.status).toBe(200);
    const [registration] = receiver.registrations;
    expect(registration?.url).toBe(`${api.origin}/api/inngest`);
    expect(registration?.functions).toContainEqual(
      expect.objectContaining({
        id: FN_ID,
        triggers: [{ event: "user/signed-up" }],
        idempotency: "event.data.userId",
        steps: {
          step: expect.objectContaining({
            retries: { attempts: 4 },
            runtime: { type: "http", url: `${api.origin}/api/inngest?fnId=${FN_ID}&stepId=step` },
          }),
        },
      }),
    );
    // Work a member waits for goes ahead of bulk work; one admin's burst of invitations
    // holds at most five slots.
    expect(registration?.functions).toContainEqual(
      expect.objectContaining({ id: FN_ID, priority: { run: "120" } }),
    );
    expect(registration?.functions).toContainEqual(
      expect.objectContaining({
        id: "brisk-send-invitation-email",
        priority: { run: "120" },
        concurrency: { limit: 5, key: "event.data.invitedBy" },
      }),
    );
  });

  it("exports the outbox backlog for Prometheus", async () => {
    const metrics = await api.registry.getMetricsAsJSON();
    const names = metrics.map((m) => m.name);
    expect(names).toContain("brisk_outbox_backlog");
    expect(names).toContain("brisk_outbox_oldest_unsent_age_seconds");
  });

  it("counts the welcome runs that finished and times their steps", async () => {
    const metrics = await api.registry.getMetricsAsJSON();
    const runs = metrics.find((m) => m.name === "brisk_job_runs_total");
    expect(runs?.values).toContainEqual(
      expect.objectContaining({
        labels: { function: "send-welcome-email", outcome: "ok" },
        value: expect.any(Number),
      }),
    );
    const steps = metrics.find((m) => m.name === "brisk_job_step_duration_seconds");
    expect(steps?.values).toContainEqual(
      expect.objectContaining({
        metricName: "brisk_job_step_duration_seconds_count",
        labels: { function: "send-welcome-email" },
      }),
    );
  });
});

describe("/api/inngest in cloud mode", () => {
  it("refuses unsigned and wrongly signed requests, and runs signed ones", async () => {
    const userId = await signUp("Signed Sam", "sam@example.com");
    const event = { name: "user/signed-up", data: { userId } };
    const serveUrl = `${cloud.origin}/api/inngest`;

    await expect(runFunction(serveUrl, FN_ID, event)).rejects.toThrow(/serve answered 401/);
    await expect(
      runFunction(serveUrl, FN_ID, event, { signingKey: "signkey-test-00000000" }),
    ).rejects.toThrow(/serve answered 401/);
    expect(await emailsTo("sam@example.com")).toHaveLength(0);
    const introspection = await fetch(serveUrl);
    expect(introspection.status).toBe(401);

    const signed = await runFunction(serveUrl, FN_ID, event, { signingKey: SIGNING_KEY });
    expect(signed.result).toEqual({ outcome: "sent" });
    expect(await emailsTo("sam@example.com")).toHaveLength(1);
  });
});
