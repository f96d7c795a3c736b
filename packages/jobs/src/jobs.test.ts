import http from "node:http";
import type { AddressInfo } from "node:net";
import { createDb, type DbHandle } from "@brisk/db";
import { useTestDatabase } from "@brisk/db/testing/database";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobsLogger } from "./client";
import { createJobs, type Jobs } from "./jobs";
import { recordEvent } from "./outbox";
import { type EventReceiver, runFunction, startEventReceiver } from "./testing";
import { TRACEPARENT_KEY } from "./tracing";

/**
 * The jobs' own instruments, through the real serve endpoint on node:http: spans per run and
 * step with a link to the request that recorded the event, and the run and step meters.
 */
const database = useTestDatabase();
const quiet: JobsLogger = { info() {}, warn() {}, error() {}, debug() {} };
const FN_ID = "brisk-send-welcome-email";
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

const runs: { function: string; outcome: string }[] = [];
const steps: { function: string; seconds: number }[] = [];
const waits: { function: string; priority: string; seconds: number }[] = [];
let receiver: EventReceiver;
let pool: DbHandle;
let jobs: Jobs;
let server: http.Server;
let serveUrl: string;

beforeAll(async () => {
  // What the NodeSDK registers in apps/api: the active span follows async calls.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  receiver = await startEventReceiver();
  pool = createDb({ url: database.url, pool: { max: 3, warm: 0 } });
  jobs = createJobs({
    db: pool.db,
    log: quiet,
    settings: {
      inngest: { mode: "dev", url: receiver.url },
      email: { transport: "mailbox", from: "Brisk <no-reply@brisk.test>" },
      relay: { idleMs: 60_000 },
    },
    runs: { inc: (labels) => runs.push(labels) },
    stepDuration: { observe: (labels, seconds) => steps.push({ ...labels, seconds }) },
    queueWait: { observe: (labels, seconds) => waits.push({ ...labels, seconds }) },
    dashboardUrl: "http://dashboard.test",
  });
  server = http.createServer(jobs.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serveUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await jobs?.close();
  await pool?.close();
  await receiver?.stop();
  trace.disable();
  context.disable();
});

async function newUser(email: string) {
  const [row] = await database.handle.sql<{ id: number }[]>`
    insert into users (name, email) values ('Traced Tom', ${email}) returning id`;
  return row!.id;
}

describe("a job run's spans and meters", () => {
  it("records the request's traceparent with the event, and links the run's spans to it", async () => {
    const userId = await newUser("tom@example.com");
    const request = provider.getTracer("test").startSpan("POST auth.signUp");
    const outboxId = await context.with(trace.setSpan(context.active(), request), () =>
      recordEvent(pool.db, { name: "user/signed-up", data: { userId } }),
    );
    request.end();
    const [row] = await database.handle.sql<{ data: Record<string, unknown> }[]>`
      select data from outbox where id = ${outboxId}`;
    const { traceId, spanId } = request.spanContext();
    expect(row?.data).toEqual({ userId, [TRACEPARENT_KEY]: `00-${traceId}-${spanId}-01` });

    const done = await runFunction(serveUrl, FN_ID, {
      id: outboxId,
      name: "user/signed-up",
      data: row!.data,
    });
    expect(done.result).toEqual({ outcome: "sent" });

    const spans = exporter.getFinishedSpans();
    const runSpans = spans.filter((span) => span.name === "job send-welcome-email");
    // One request ran the step, the next returned the result: two spans of the run.
    expect(runSpans).toHaveLength(2);
    for (const span of runSpans) {
      expect(span.links.map((link) => link.context)).toEqual([
        expect.objectContaining({ traceId, spanId }),
      ]);
      expect(span.attributes).toMatchObject({
        "brisk.job.function": "send-welcome-email",
        "brisk.job.attempt": 0,
      });
    }
    const [step] = spans.filter((span) => span.name === "step send");
    expect(step?.attributes).toMatchObject({
      "brisk.job.function": "send-welcome-email",
      "brisk.job.step_id": "send",
      "brisk.job.run_id": runSpans[0]?.attributes["brisk.job.run_id"],
    });
    // The step is a child of the request that ran it.
    expect(step?.parentSpanContext?.spanId).toBe(runSpans[0]?.spanContext().spanId);
    expect(step?.spanContext().traceId).toBe(runSpans[0]?.spanContext().traceId);

    expect(runs).toEqual([{ function: "send-welcome-email", outcome: "ok" }]);
    expect(steps).toEqual([{ function: "send-welcome-email", seconds: expect.any(Number) }]);
  });

  it("counts a run whose last attempt failed, when its onFailure handler runs", async () => {
    const before = runs.length;
    const failed = await runFunction(serveUrl, `${FN_ID}-failure`, {
      name: "inngest/function.failed",
      data: {
        function_id: FN_ID,
        run_id: "run-that-failed",
        error: { name: "Error", message: "SMTP refused" },
        event: { name: "user/signed-up", data: { userId: 1 } },
      },
    });
    expect(failed.result).toBeNull();
    expect(runs.slice(before)).toEqual([{ function: "send-welcome-email", outcome: "failed" }]);
  });

  it("times the wait from the event to the first step once per run, by priority", async () => {
    const userId = await newUser("quinn@example.com");
    const before = waits.length;
    // Received five seconds ago: as long as it waited behind a backlog.
    const event = { name: "user/signed-up", data: { userId }, ts: Date.now() - 5_000 };
    const first = await runFunction(serveUrl, FN_ID, event);
    const observed = waits.slice(before);
    expect(observed).toEqual([
      { function: "send-welcome-email", priority: "120", seconds: expect.any(Number) },
    ]);
    expect(observed[0]!.seconds).toBeGreaterThanOrEqual(5);
    // A replay of the finished run times nothing again.
    await runFunction(serveUrl, FN_ID, event, { steps: first.steps });
    expect(waits.length).toBe(before + 1);
  });

  it("records no trace context outside a traced request", async () => {
    const userId = await newUser("una@example.com");
    const outboxId = await recordEvent(pool.db, { name: "user/signed-up", data: { userId } });
    const [row] = await database.handle.sql`select data from outbox where id = ${outboxId}`;
    expect(row?.data).toEqual({ userId });
  });
});
