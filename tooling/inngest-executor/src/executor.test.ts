import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { useTestDatabase } from "@brisk/db/testing/database";
import { Inngest, NonRetriableError, RetryAfterError } from "inngest";
import { serve } from "inngest/node";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecutor, type Executor, syncApp } from "./executor";

const database = useTestDatabase();

async function waitFor<T>(
  read: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

// What the app's functions did, as the test reads it.
const seen = {
  flakyAttempts: 0,
  laterAttempts: [] as number[],
  failures: [] as { function_id: string; run_id: string; message: string }[],
  childEvents: [] as unknown[],
  order: [] as string[],
  resumeFirstStep: 0,
  resumeSecondStep: 0,
  parallel: [] as string[],
  fixablePrepared: 0,
  droppedAttempts: 0,
  perUserStarted: [] as string[],
  fair: [] as string[],
  backlogStarted: [] as string[],
  fixed: false,
};
const blocker = gate();
const resumeGate = gate();
const dropGate = gate();
const perUserGate = gate();
const fairGate = gate();
const backlogGate = gate();
let resumeSecondStepStarted = false;

let sql: postgres.Sql;
let executor: Executor;
let executorUrl: string;
let executorPort: number;
let appServer: Server;
let appUrl: string;

function buildApp(baseUrl: string) {
  const inngest = new Inngest({ id: "test-app", isDev: true, baseUrl, logger: silentLogger });
  const flaky = inngest.createFunction(
    { id: "flaky", retries: 3, triggers: [{ event: "test/flaky" }] },
    async ({ step }) =>
      step.run("sometimes-fails", () => {
        seen.flakyAttempts++;
        if (seen.flakyAttempts < 3) throw new Error(`attempt ${seen.flakyAttempts} failed`);
        return { ok: true, attempts: seen.flakyAttempts };
      }),
  );
  const doomed = inngest.createFunction(
    {
      id: "doomed",
      retries: 3,
      triggers: [{ event: "test/doomed" }],
      onFailure: async ({ event, error }) => {
        seen.failures.push({
          function_id: event.data.function_id,
          run_id: event.data.run_id,
          message: error.message,
        });
      },
    },
    async ({ step }) =>
      step.run("refuse", () => {
        throw new NonRetriableError("the input can never work");
      }),
  );
  const later = inngest.createFunction(
    { id: "later", retries: 2, triggers: [{ event: "test/later" }] },
    async ({ step }) =>
      step.run("busy-upstream", () => {
        seen.laterAttempts.push(Date.now());
        if (seen.laterAttempts.length === 1) throw new RetryAfterError("upstream busy", "2s");
        return "done";
      }),
  );
  const napper = inngest.createFunction(
    { id: "napper", triggers: [{ event: "test/nap" }] },
    async ({ step }) => {
      const before = await step.run("before", () => Date.now());
      await step.sleep("nap", "1s");
      await step.sleepUntil("until", new Date(Date.now() + 1_000));
      const after = await step.run("after", () => Date.now());
      return { slept: after - before };
    },
  );
  const fanIn = inngest.createFunction(
    { id: "fan-in", triggers: [{ event: "test/parallel" }] },
    async ({ step }) => {
      const parts = await Promise.all(
        ["a", "b", "c"].map((name) =>
          step.run(`part-${name}`, () => {
            seen.parallel.push(name);
            return name.toUpperCase();
          }),
        ),
      );
      return parts.join("");
    },
  );
  const sender = inngest.createFunction(
    { id: "sender", triggers: [{ event: "test/send" }] },
    async ({ event, step }) => {
      await step.sendEvent("fan-out", { name: "test/child", data: { from: event.data.tag } });
      return "sent";
    },
  );
  const childListener = inngest.createFunction(
    { id: "child-listener", triggers: [{ event: "test/child" }] },
    async ({ event }) => {
      seen.childEvents.push(event.data);
      return "heard";
    },
  );
  const doubler = inngest.createFunction(
    { id: "doubler", triggers: [{ event: "test/double" }] },
    async ({ event, step }) => step.run("double", () => (event.data.n as number) * 2),
  );
  const invoker = inngest.createFunction(
    { id: "invoker", triggers: [{ event: "test/invoke" }] },
    async ({ step }) => {
      const doubled = await step.invoke("call-doubler", { function: doubler, data: { n: 21 } });
      return { doubled };
    },
  );
  const approval = inngest.createFunction(
    { id: "approval", triggers: [{ event: "test/order" }] },
    async ({ event, step }) => {
      const approved = await step.waitForEvent("approved", {
        event: "test/approved",
        timeout: event.data.timeout as string,
        match: "data.orderId",
      });
      return approved ? { approvedBy: approved.data.by } : { approvedBy: null };
    },
  );
  const welcome = inngest.createFunction(
    { id: "welcome", idempotency: "event.data.userId", triggers: [{ event: "test/signed-up" }] },
    async ({ event }) => event.data.userId,
  );
  const serial = inngest.createFunction(
    {
      id: "serial",
      concurrency: { limit: 1 },
      priority: { run: "event.data.urgent == true ? 300 : 0" },
      triggers: [{ event: "test/serial" }],
    },
    async ({ event, step }) => {
      await step.run("work", async () => {
        seen.order.push(event.data.label as string);
        if (event.data.label === "blocker") await blocker.opened;
      });
    },
  );
  const resumable = inngest.createFunction(
    { id: "resumable", triggers: [{ event: "test/resumable" }] },
    async ({ step }) => {
      await step.run("first", () => {
        seen.resumeFirstStep++;
      });
      await step.run("second", async () => {
        seen.resumeSecondStep++;
        resumeSecondStepStarted = true;
        await resumeGate.opened;
      });
      return "resumed";
    },
  );
  const fixable = inngest.createFunction(
    { id: "fixable", retries: 0, triggers: [{ event: "test/fixable" }] },
    async ({ step }) => {
      await step.run("prepare", () => {
        seen.fixablePrepared++;
      });
      return step.run("deliver", () => {
        if (!seen.fixed) throw new Error("the mail server is down");
        return "delivered";
      });
    },
  );
  const dropped = inngest.createFunction(
    { id: "dropped", triggers: [{ event: "test/dropped" }] },
    async ({ step }) =>
      step.run("slow", async () => {
        seen.droppedAttempts++;
        if (seen.droppedAttempts === 1) await dropGate.opened;
        return seen.droppedAttempts;
      }),
  );
  const perUser = inngest.createFunction(
    {
      id: "per-user",
      concurrency: { limit: 1, key: "event.data.userId" },
      triggers: [{ event: "test/per-user" }],
    },
    async ({ event, step }) => {
      await step.run("work", async () => {
        seen.perUserStarted.push(event.data.label as string);
        if (event.data.label === "u1-first") await perUserGate.opened;
      });
    },
  );
  const fair = inngest.createFunction(
    { id: "fair", concurrency: { limit: 1 }, triggers: [{ event: "test/fair" }] },
    async ({ event, step }) => {
      const label = event.data.label as string;
      await step.run("one", async () => {
        seen.fair.push(`${label}:one`);
        if (label === "first") await fairGate.opened;
      });
      await step.run("two", () => {
        seen.fair.push(`${label}:two`);
      });
    },
  );
  const backlogged = inngest.createFunction(
    {
      id: "backlogged",
      concurrency: { limit: 1, key: "event.data.group" },
      triggers: [{ event: "test/backlogged" }],
    },
    async ({ event, step }) => {
      await step.run("work", async () => {
        seen.backlogStarted.push(event.data.label as string);
        if (event.data.label === "held") await backlogGate.opened;
      });
    },
  );
  const functions = [
    fair,
    backlogged,
    perUser,
    dropped,
    fixable,
    flaky,
    doomed,
    later,
    napper,
    fanIn,
    sender,
    childListener,
    doubler,
    invoker,
    approval,
    welcome,
    serial,
    resumable,
  ];
  return { inngest, handler: serve({ client: inngest, functions }) };
}

const silentLogger = { info() {}, warn() {}, error() {}, debug() {} };

async function api<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await fetch(`${executorUrl}${path}`, init);
  return { status: response.status, body: (await response.json()) as T };
}

interface RunSummary {
  id: string;
  functionId: string;
  status: string;
  attempts: number;
  eventId: string;
  startedAt: string | null;
  endedAt: string | null;
  error: { message?: string } | null;
}
interface RunDetail extends RunSummary {
  output: unknown;
  steps: {
    id: string;
    name: string | null;
    status: string;
    output: unknown;
    error: unknown;
    attempts: number;
  }[];
}

async function runsOf(functionId: string) {
  const { body } = await api<{ runs: RunSummary[] }>(
    `/v1/runs?function=test-app-${functionId}&limit=100`,
  );
  return body.runs;
}

async function finishedRun(functionId: string, status = "completed") {
  const [run] = await waitFor(async () => {
    const runs = await runsOf(functionId);
    return runs.length > 0 && runs.every((candidate) => candidate.status === status) && runs;
  }, `${functionId} ${status}`);
  return (await api<{ run: RunDetail }>(`/v1/runs/${run?.id}`)).body.run;
}

async function sendEvent(events: unknown) {
  const response = await fetch(`${executorUrl}/e/test-key`, {
    method: "POST",
    body: JSON.stringify(events),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { ids: string[]; status: number };
}

beforeAll(async () => {
  sql = postgres(database.url, { max: 8, onnotice: () => {} });
  executor = createExecutor({ sql, backoff: () => 50, pollIntervalMs: 50 });
  executorUrl = await executor.start(0);
  executorPort = Number(new URL(executorUrl).port);
  const app = buildApp(executorUrl);
  appServer = createServer(app.handler);
  await new Promise<void>((resolve) => appServer.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}/api/inngest`;
  await syncApp(appUrl);
});

afterAll(async () => {
  blocker.open();
  resumeGate.open();
  dropGate.open();
  perUserGate.open();
  fairGate.open();
  backlogGate.open();
  await executor?.stop();
  appServer?.closeAllConnections();
  await new Promise((resolve) => appServer?.close(resolve));
  await sql?.end();
});

describe("sync and the event API", () => {
  it("registers the app's functions with their onFailure handler", async () => {
    const functions = await sql<
      { id: string }[]
    >`select id from inngest_local.functions order by id`;
    expect(functions.map((fn) => fn.id)).toEqual(
      expect.arrayContaining([
        "test-app-flaky",
        "test-app-doomed",
        "test-app-doomed-failure",
        "test-app-serial",
      ]),
    );
    expect((await api<{ status: string }>("/health")).body).toEqual({ status: "ok" });
  });

  it("answers the SDK's shape and takes an event's id as its idempotency id", async () => {
    const first = await sendEvent({ name: "test/nothing-listens", id: "dedupe-me", data: {} });
    const second = await sendEvent([{ name: "test/nothing-listens", id: "dedupe-me", data: {} }]);
    expect(first.status).toBe(200);
    expect(second.ids).toEqual(first.ids);
    const [events] = await sql<
      { count: number }[]
    >`select count(*)::int as count from inngest_local.events where id = 'dedupe-me'`;
    expect(events?.count).toBe(1);
  });

  it("refuses a sync whose expressions fall outside the CEL subset", async () => {
    const response = await fetch(`${executorUrl}/fn/register`, {
      method: "POST",
      body: JSON.stringify({
        url: appUrl,
        appName: "other-app",
        functions: [
          {
            id: "other-app-bad",
            triggers: [{ event: "test/other" }],
            idempotency: "size(event.data) > 1",
            steps: { step: { id: "step", name: "step", runtime: { type: "http", url: appUrl } } },
          },
        ],
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain("size(event.data) > 1");
    const [other] = await sql<{ count: number }[]>`
      select count(*)::int as count from inngest_local.functions where app_name = 'other-app'`;
    expect(other?.count).toBe(0);
  });

  it("refuses malformed events with a 400", async () => {
    const response = await fetch(`${executorUrl}/e/test-key`, {
      method: "POST",
      body: JSON.stringify({ data: {} }),
    });
    expect(response.status).toBe(400);
    expect(
      ((await response.json()) as { details: { fieldErrors: object } }).details.fieldErrors,
    ).toHaveProperty("name");
  });
});

describe("steps and retries", () => {
  it("retries a failing step with the attempt count, then succeeds", async () => {
    await sendEvent({ name: "test/flaky", data: {} });
    const run = await finishedRun("flaky");
    expect(run.output).toEqual({ ok: true, attempts: 3 });
    expect(run.attempts).toBe(3);
    expect(run.steps).toEqual([
      expect.objectContaining({ name: "sometimes-fails", status: "completed", attempts: 3 }),
    ]);
  });

  it("fails at once on NonRetriableError and runs onFailure with the failed run", async () => {
    await sendEvent({ name: "test/doomed", data: {} });
    const run = await finishedRun("doomed", "failed");
    expect(run.attempts).toBe(1);
    expect(run.steps[0]).toMatchObject({ name: "refuse", status: "failed" });
    await waitFor(() => seen.failures.length === 1, "onFailure");
    expect(seen.failures[0]).toMatchObject({ function_id: "test-app-doomed", run_id: run.id });
    expect(seen.failures[0]?.message).toContain("the input can never work");
  });

  it("waits as long as RetryAfterError asks before the next attempt", async () => {
    await sendEvent({ name: "test/later", data: {} });
    const run = await finishedRun("later");
    expect(run.output).toBe("done");
    const [first, second] = seen.laterAttempts as [number, number];
    // The test backoff is 50 ms: only the retry-after header explains a gap of two seconds.
    expect(second - first).toBeGreaterThanOrEqual(1_900);
  });

  it("sleeps (step.sleep, step.sleepUntil), then continues with memoized steps", async () => {
    await sendEvent({ name: "test/nap", data: {} });
    const run = await finishedRun("napper");
    expect((run.output as { slept: number }).slept).toBeGreaterThanOrEqual(2_000);
    expect(run.steps.map((step) => [step.name, step.status])).toEqual([
      ["before", "completed"],
      ["nap", "completed"],
      ["until", "completed"],
      ["after", "completed"],
    ]);
  });

  it("runs parallel steps each once and resumes with all their results", async () => {
    await sendEvent({ name: "test/parallel", data: {} });
    const run = await finishedRun("fan-in");
    expect(run.output).toBe("ABC");
    expect([...seen.parallel].sort()).toEqual(["a", "b", "c"]);
    expect(run.steps).toHaveLength(3);
  });
});

describe("functions calling functions", () => {
  it("step.sendEvent triggers another function", async () => {
    await sendEvent({ name: "test/send", data: { tag: "hello" } });
    await finishedRun("sender");
    await finishedRun("child-listener");
    expect(seen.childEvents).toEqual([{ from: "hello" }]);
  });

  it("step.invoke runs the function and returns its output", async () => {
    await sendEvent({ name: "test/invoke", data: {} });
    const run = await finishedRun("invoker");
    expect(run.output).toEqual({ doubled: 42 });
    const [child] = await runsOf("doubler");
    expect(child?.status).toBe("completed");
  });

  it("step.waitForEvent resumes with the matching event, or null at its timeout", async () => {
    await sendEvent({ name: "test/order", data: { orderId: "o-1", timeout: "1m" } });
    await sendEvent({ name: "test/order", data: { orderId: "o-2", timeout: "1s" } });
    const [waiting] = await waitFor(async () => {
      const rows =
        await sql`select run_id from inngest_local.waits w join inngest_local.runs r on r.id = w.run_id
        where r.event->'data'->>'orderId' = 'o-1'`;
      return rows.length === 1 && rows;
    }, "the o-1 wait");
    expect(waiting).toBeDefined();
    await sendEvent({ name: "test/approved", data: { orderId: "o-other", by: "nobody" } });
    await sendEvent({ name: "test/approved", data: { orderId: "o-1", by: "ada" } });
    const runs = await waitFor(async () => {
      const all = await runsOf("approval");
      return all.length === 2 && all.every((run) => run.status === "completed") && all;
    }, "both approvals");
    const outputs = await Promise.all(
      runs.map(
        async (run) => (await api<{ run: RunDetail }>(`/v1/runs/${run.id}`)).body.run.output,
      ),
    );
    expect(outputs).toEqual(expect.arrayContaining([{ approvedBy: "ada" }, { approvedBy: null }]));
  });
});

describe("function options", () => {
  it("idempotency: a second event with the same user id starts no run", async () => {
    await sendEvent([
      { name: "test/signed-up", data: { userId: "u-1" } },
      { name: "test/signed-up", data: { userId: "u-1" } },
      { name: "test/signed-up", data: { userId: "u-2" } },
    ]);
    await waitFor(
      async () => (await runsOf("welcome")).every((run) => run.status === "completed"),
      "welcome runs",
    );
    const runs = await runsOf("welcome");
    expect(runs).toHaveLength(2);
  });

  it("priority: under a saturated concurrency limit a higher priority runs before earlier work", async () => {
    await sendEvent({ name: "test/serial", data: { label: "blocker" } });
    await waitFor(() => seen.order.includes("blocker"), "the blocker to start");
    await sendEvent({ name: "test/serial", data: { label: "low-1", urgent: false } });
    await sendEvent({ name: "test/serial", data: { label: "low-2", urgent: false } });
    await sendEvent({ name: "test/serial", data: { label: "urgent", urgent: true } });
    blocker.open();
    await waitFor(async () => {
      const runs = await runsOf("serial");
      return runs.length === 4 && runs.every((run) => run.status === "completed");
    }, "all serial runs");
    expect(seen.order).toEqual(["blocker", "urgent", "low-1", "low-2"]);
  });
});

describe("concurrency keys", () => {
  it("limits steps in flight per key value, not across keys", async () => {
    await sendEvent({ name: "test/per-user", data: { userId: "u1", label: "u1-first" } });
    await waitFor(() => seen.perUserStarted.includes("u1-first"), "u1's first run to start");
    await sendEvent({ name: "test/per-user", data: { userId: "u1", label: "u1-second" } });
    await sendEvent({ name: "test/per-user", data: { userId: "u2", label: "u2-first" } });
    await waitFor(async () => {
      const runs = await runsOf("per-user");
      return runs.filter((run) => run.status === "completed").length === 1;
    }, "u2's run to complete while u1's first still works");
    expect(seen.perUserStarted).toEqual(["u1-first", "u2-first"]);
    perUserGate.open();
    await waitFor(async () => {
      const runs = await runsOf("per-user");
      return runs.length === 3 && runs.every((run) => run.status === "completed");
    }, "all per-user runs");
    expect(seen.perUserStarted).toEqual(["u1-first", "u2-first", "u1-second"]);
  });
});

describe("claim order", () => {
  it("a run's next step goes before newer runs' first steps under a saturated limit (Inngest's order)", async () => {
    await sendEvent({ name: "test/fair", data: { label: "first" } });
    await waitFor(() => seen.fair.includes("first:one"), "the first run's first step");
    await sendEvent([
      { name: "test/fair", data: { label: "second" } },
      { name: "test/fair", data: { label: "third" } },
    ]);
    fairGate.open();
    await waitFor(async () => {
      const runs = await runsOf("fair");
      return runs.length === 3 && runs.every((run) => run.status === "completed");
    }, "all fair runs");
    expect(seen.fair).toEqual([
      "first:one",
      "first:two",
      "second:one",
      "second:two",
      "third:one",
      "third:two",
    ]);
  });

  it("skips a key at its limit: another key's run starts past a longer backlog of it", async () => {
    await sendEvent({ name: "test/backlogged", data: { group: "busy", label: "held" } });
    await waitFor(() => seen.backlogStarted.includes("held"), "the held run to start");
    const queued = Array.from({ length: 80 }, (_, i) => `queued-${i}`);
    await sendEvent(
      queued.map((label) => ({ name: "test/backlogged", data: { group: "busy", label } })),
    );
    await sendEvent({ name: "test/backlogged", data: { group: "free", label: "free" } });
    await waitFor(() => seen.backlogStarted.includes("free"), "the free key's run");
    expect(seen.backlogStarted).toEqual(["held", "free"]);
    backlogGate.open();
    await waitFor(async () => {
      const runs = await runsOf("backlogged");
      return runs.length === 82 && runs.every((run) => run.status === "completed");
    }, "all backlogged runs");
    expect(seen.backlogStarted).toEqual(["held", "free", ...queued]);
  });
});

describe("runs API", () => {
  it("lists runs by function and status, with steps, and refuses bad queries", async () => {
    const failed = await finishedRun("doomed", "failed");
    const listed = await api<{ runs: RunSummary[] }>("/v1/runs?status=failed&limit=10");
    expect(listed.body.runs.map((run) => run.id)).toContain(failed.id);
    expect(
      listed.body.runs.every((run) => run.status === "failed" && run.startedAt && run.endedAt),
    ).toBe(true);
    expect((await api("/v1/runs?limit=0")).status).toBe(400);
    expect((await api("/v1/runs?status=lost")).status).toBe(400);
    expect((await api("/v1/runs/nope")).status).toBe(404);
    expect((await api(`/v1/runs/${failed.id}/cancel`, { method: "POST" })).status).toBe(409);
  });

  it("retries a failed run from its failed step, keeping the results of the steps before it", async () => {
    await sendEvent({ name: "test/fixable", data: {} });
    const failed = await finishedRun("fixable", "failed");
    expect(failed.steps.map((step) => [step.name, step.status])).toEqual([
      ["prepare", "completed"],
      ["deliver", "failed"],
    ]);
    seen.fixed = true;
    const retried = await api<{ run: RunDetail }>(`/v1/runs/${failed.id}/retry`, {
      method: "POST",
    });
    expect(retried.status).toBe(200);
    expect(retried.body.run.status).toBe("queued");
    const run = await finishedRun("fixable");
    expect(run.output).toBe("delivered");
    expect(seen.fixablePrepared).toBe(1);
    expect((await api(`/v1/runs/${run.id}/retry`, { method: "POST" })).status).toBe(409);
  });

  it("cancels a waiting run; the event it waited for no longer resumes it", async () => {
    await sendEvent({ name: "test/order", data: { orderId: "o-cancel", timeout: "10m" } });
    const waiting = await waitFor(async () => {
      const runs = await runsOf("approval");
      return runs.find((run) => run.status === "running");
    }, "a waiting approval run");
    const cancelled = await api<{ run: RunDetail }>(`/v1/runs/${waiting.id}/cancel`, {
      method: "POST",
    });
    expect(cancelled.body.run.status).toBe("cancelled");
    await sendEvent({ name: "test/approved", data: { orderId: "o-cancel", by: "late" } });
    const [jobs] = await sql<
      { count: number }[]
    >`select count(*)::int as count from inngest_local.jobs where run_id = ${waiting.id}`;
    expect(jobs?.count).toBe(0);
    expect((await api<{ run: RunDetail }>(`/v1/runs/${waiting.id}`)).body.run.status).toBe(
      "cancelled",
    );
  });
});

describe("restart", () => {
  it("a request the app drops mid-step (the app restarting) is retried", async () => {
    await sendEvent({ name: "test/dropped", data: {} });
    await waitFor(() => seen.droppedAttempts === 1, "the first attempt to start");
    appServer.closeAllConnections();
    const run = await finishedRun("dropped");
    expect(run.output).toBe(2);
    expect(run.steps[0]).toMatchObject({ name: "slow", status: "completed", attempts: 2 });
  });

  it("an executor restarted mid-run resumes it; the finished step's side effect happens once", async () => {
    await sendEvent({ name: "test/resumable", data: {} });
    await waitFor(() => resumeSecondStepStarted, "the second step to start");
    await executor.stop();
    executor = createExecutor({ sql, backoff: () => 50, pollIntervalMs: 50 });
    executorUrl = await executor.start(executorPort);
    resumeGate.open();
    const run = await finishedRun("resumable");
    expect(run.output).toBe("resumed");
    expect(seen.resumeFirstStep).toBe(1);
    // The answer to the interrupted request was lost with the old executor: at least once.
    expect(seen.resumeSecondStep).toBeGreaterThanOrEqual(2);
  });
});
