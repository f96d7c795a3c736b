import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { type LocalExecutor, spawnLocalExecutor } from "@brisk/jobs/testing";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRuntime, signedInRequest, useTestRuntime } from "../testing";

/** A port nothing listens on once this returns: the executor's, and the dead SMTP server's. */
async function freePort() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until<T>(what: string, read: () => Promise<T | undefined>, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const executorUrl = `http://127.0.0.1:${await freePort()}`;
const deadSmtp = `smtp://127.0.0.1:${await freePort()}`;

const database = useTestDatabase();
// The welcome email goes to an SMTP port where nothing listens: every attempt fails.
const holder = useTestRuntime(database, {
  telemetry: { perCall: false },
  jobs: {
    inngest: { mode: "dev", url: executorUrl },
    email: { transport: "smtp", url: deadSmtp, from: "Brisk <no-reply@brisk.localhost>" },
  },
});
let asAdmin: Awaited<ReturnType<typeof holder.signIn>>;
let asMember: Awaited<ReturnType<typeof holder.signIn>>;
let serve: Server;
let executor: LocalExecutor;

beforeAll(async () => {
  await seed(database.handle.sql, { users: 3, postsPerUser: 1, demo: true });
  asAdmin = await holder.signIn(1);
  asMember = await holder.signIn(2);
  serve = createServer(holder.runtime.jobs!.handler);
  await new Promise<void>((resolve) => serve.listen(0, "127.0.0.1", resolve));
  const serveUrl = `http://127.0.0.1:${(serve.address() as AddressInfo).port}/api/inngest`;
  executor = spawnLocalExecutor({
    databaseUrl: database.url,
    port: Number(new URL(executorUrl).port),
    backoffMs: 20,
  });
  // Synced here rather than with --sync: the event below must find the function registered.
  await until("the executor to sync the app", async () => {
    const response = await fetch(serveUrl, { method: "PUT" });
    return response.ok ? true : undefined;
  });
}, 60_000);

afterAll(async () => {
  await executor?.stop();
  await new Promise<void>((resolve) => (serve ? serve.close(() => resolve()) : resolve()));
});

async function welcomeRun(status: string) {
  return until(`a ${status} welcome run`, async () => {
    const { runs } = await asAdmin().jobs.list({
      function: "brisk-send-welcome-email",
      status: status as "failed",
      limit: 10,
    });
    return runs[0];
  });
}

describe("jobs", () => {
  it("lists a run that failed on its last attempt, with its failed step, and counts it", async () => {
    await holder.runtime.jobs!.client.send({ name: "user/signed-up", data: { userId: 3 } });
    const failed = await welcomeRun("failed");
    expect(failed).toMatchObject({
      functionId: "brisk-send-welcome-email",
      functionName: "Send the welcome email",
      eventName: "user/signed-up",
      status: "failed",
      attempts: 5,
      maxAttempts: 5,
    });

    const list = await asAdmin().jobs.list({ limit: 50 });
    expect(list.source).toBe("executor");
    expect(list.functions).toContainEqual({
      id: "brisk-send-welcome-email",
      name: "Send the welcome email",
    });

    const run = await asAdmin().jobs.byId({ id: failed.id });
    expect(run.steps).toEqual([
      expect.objectContaining({ name: "send", status: "failed", error: expect.anything() }),
    ]);

    // onFailure ran: the failure is counted by function.
    await until("the failure counted", async () => {
      const text = await holder.runtime.metrics!.registry.getSingleMetricAsString(
        "brisk_job_failures_total",
      );
      return text.includes('brisk_job_failures_total{function="send-welcome-email"} 1')
        ? true
        : undefined;
    });
  });

  it("retries a failed run, refuses to cancel one that ended, and knows no unknown run", async () => {
    const failed = await welcomeRun("failed");
    const retried = await asAdmin().jobs.retry({ id: failed.id });
    expect(retried.id).toBe(failed.id);
    expect(["queued", "running", "failed"]).toContain(retried.status);
    // It fails again (the SMTP server is still away), so it is neither running nor retriable
    // until then: wait for the end, then a cancel is refused.
    await welcomeRun("failed");
    await expect(asAdmin().jobs.cancel({ id: failed.id })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(asAdmin().jobs.byId({ id: crypto.randomUUID() })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("is for admins only", async () => {
    await expect(asMember().jobs.list({ limit: 5 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(holder.caller().jobs.list({ limit: 5 })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});

describe("jobs without an executor, or in cloud mode", () => {
  it("answers 503 with a readable message when the executor is unreachable", async () => {
    const runtime = createTestRuntime(database, {
      runs: { mode: "dev", url: `http://127.0.0.1:${await freePort()}` },
    });
    const { request } = await signedInRequest(runtime, 1);
    const error = await runtime
      .caller(request)
      .jobs.list({ limit: 5 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect((error as TRPCError).message).toMatch(/did not answer/);
    await runtime.close();
  });

  it("points at Inngest's console in cloud mode, with no runs of its own", async () => {
    const runtime = createTestRuntime(database, {
      runs: { mode: "cloud", baseUrl: "https://inngest.example.com/" },
    });
    const { request } = await signedInRequest(runtime, 1);
    expect(await runtime.caller(request).jobs.list({ limit: 5 })).toMatchObject({
      source: "cloud",
      consoleUrl: "https://inngest.example.com",
      runs: [],
    });
    await expect(
      runtime.caller(request).jobs.retry({ id: crypto.randomUUID() }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: /Inngest console/ });
    await runtime.close();
  });
});
