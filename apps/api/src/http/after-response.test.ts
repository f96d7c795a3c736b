import { useTestDatabase } from "@brisk/db/testing/database";
import { appRouter, startTracing } from "@brisk/trpc";
import { createTRPCRouter, publicProcedure } from "@brisk/trpc/testing";
import { context } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { Registry } from "prom-client";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { startTestApi } from "../testing";

const exporter = new InMemorySpanExporter();
const tracing = startTracing({
  serviceName: "brisk-api-test",
  sampleRatio: 1,
  processors: [new SimpleSpanProcessor(exporter)],
});
afterAll(() => tracing.shutdown());

const database = useTestDatabase();
const EVENTUALLY = { timeout: 5_000, interval: 20 };

/** A gate the test opens: work waits on it, so the test decides when it may finish. */
function latch() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

interface Seen {
  /** Request ids whose response the server had finished writing when their work started. */
  finishedAtStart: boolean[];
  started: number;
  done: number;
  /** Holds the work. */
  gate: ReturnType<typeof latch>;
  /** Holds the procedure's answer after it queued its work; open unless a test closes it. */
  answer: ReturnType<typeof latch> | undefined;
  /** Set when the procedure has queued its work and waits to answer. */
  queued: boolean;
}
const fresh = (): Seen => ({
  finishedAtStart: [],
  started: 0,
  done: 0,
  gate: latch(),
  answer: undefined,
  queued: false,
});
const seen: Seen = fresh();
/** Responses the server has finished writing, by request id. */
const finished = new Set<string>();

const router = createTRPCRouter({
  ...appRouter._def.record,
  /** Queues `count` pieces of work that wait for the test's gate, then answers at once. */
  later: publicProcedure
    .input(z.object({ count: z.number().int().min(1).max(10) }))
    .query(async ({ ctx, input }) => {
      for (let i = 0; i < input.count; i++) {
        ctx.afterResponse("test.later", async () => {
          seen.finishedAtStart.push(finished.has(ctx.request.id));
          seen.started++;
          await seen.gate.opened;
          seen.done++;
        });
      }
      seen.queued = true;
      await seen.answer?.opened;
      return { queued: input.count };
    }),
  failing: publicProcedure.query(({ ctx }) => {
    ctx.afterResponse("test.failing", async () => {
      throw new Error("the follow-up broke");
    });
    return { answered: true };
  }),
});

let stop: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
  seen.gate.open();
  seen.answer?.open();
  Object.assign(seen, fresh());
  finished.clear();
  exporter.reset();
});

async function start(afterResponse?: { concurrency: number; queue: number }) {
  const lines: Record<string, unknown>[] = [];
  const api = await startTestApi(database, {
    router,
    afterResponse,
    logLevel: "info",
    logDestination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  // Runs before the request's own listeners: marks the response written before anything that
  // waits for it starts.
  api.api.server.prependListener("request", (_req, res) => {
    res.prependListener("finish", () => finished.add(String(res.getHeader("x-request-id"))));
  });
  stop = api.stop;
  return { ...api, lines };
}

// The test's own requests go out untraced, as a remote client's would.
function call(base: string, path: string, input: unknown, requestId: string) {
  const url = `${base}/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;
  return context.with(suppressTracing(context.active()), () =>
    fetch(url, { headers: { "x-request-id": requestId } }),
  );
}

async function counter(registry: Registry, name: string, outcome: string) {
  const metric = await registry.getSingleMetric("brisk_after_response_work_total")?.get();
  return (
    metric?.values.find((v) => v.labels.name === name && v.labels.outcome === outcome)?.value ?? 0
  );
}

async function depth(registry: Registry) {
  const metric = await registry.getSingleMetric("brisk_after_response_queue_depth")?.get();
  return Object.fromEntries(metric?.values.map((v) => [v.labels.state, v.value]) ?? []);
}

describe("work after the response", () => {
  it("starts once the response is written, and the client has the whole answer while it waits", async () => {
    const { base, registry } = await start();
    seen.answer = latch();
    const answered = call(base, "later", { count: 1 }, "req-later");
    // Queued, and the answer held: the work must not start before the answer is written.
    await vi.waitFor(() => expect(seen.queued).toBe(true), EVENTUALLY);
    expect(seen.started).toBe(0);
    seen.answer.open();
    const res = await answered;
    // The whole body arrives while the work is held at its gate: the answer never waits for it.
    expect(await res.json()).toEqual({ result: { data: { queued: 1 } } });
    await vi.waitFor(() => expect(seen.started).toBe(1), EVENTUALLY);
    expect(seen.finishedAtStart).toEqual([true]);
    expect(seen.done).toBe(0);
    seen.gate.open();
    await vi.waitFor(() => expect(seen.done).toBe(1), EVENTUALLY);
    await vi.waitFor(async () => expect(await counter(registry, "test.later", "ran")).toBe(1));

    // Its own span, linked to the procedure's span that asked for it.
    await vi.waitFor(() => {
      const spans = exporter.getFinishedSpans();
      const work = spans.find((s) => s.name === "after-response test.later");
      const procedure = spans.find((s) => s.name === "trpc later");
      expect(work?.parentSpanContext).toBeUndefined();
      expect(work?.links.map((l) => l.context.spanId)).toEqual([procedure?.spanContext().spanId]);
    }, EVENTUALLY);
  });

  it("logs a failure with the request's id and leaves the answer alone", async () => {
    const { base, lines, registry } = await start();
    const res = await call(base, "failing", undefined, "req-failing");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: { data: { answered: true } } });
    await vi.waitFor(
      () =>
        expect(lines).toContainEqual(
          expect.objectContaining({
            level: "warn",
            reqId: "req-failing",
            work: "test.failing",
            msg: "work after the response failed",
            err: expect.objectContaining({ message: "the follow-up broke" }),
          }),
        ),
      EVENTUALLY,
    );
    expect(await counter(registry, "test.failing", "failed")).toBe(1);
    const span = exporter.getFinishedSpans().find((s) => s.name === "after-response test.failing");
    expect(span?.status).toMatchObject({ code: 2, message: "the follow-up broke" });
  });

  it("runs at most `concurrency` at once, queues up to `queue`, and drops the rest", async () => {
    const { base, lines, registry } = await start({ concurrency: 1, queue: 1 });
    const res = await call(base, "later", { count: 3 }, "req-burst");
    expect(res.status).toBe(200);
    await vi.waitFor(
      () =>
        expect(lines).toContainEqual(
          expect.objectContaining({
            level: "warn",
            reqId: "req-burst",
            work: "test.later",
            msg: "work after the response dropped: queue full",
          }),
        ),
      EVENTUALLY,
    );
    await vi.waitFor(() => expect(seen.started).toBe(1), EVENTUALLY);
    expect(await depth(registry)).toEqual({ running: 1, waiting: 1 });
    expect(await counter(registry, "test.later", "dropped")).toBe(1);

    seen.gate.open();
    await vi.waitFor(() => expect(seen.done).toBe(2), EVENTUALLY);
    await vi.waitFor(async () => expect(await counter(registry, "test.later", "ran")).toBe(2));
    expect(await depth(registry)).toEqual({ running: 0, waiting: 0 });
  });

  it("drain waits for running and queued work, and gives up at its deadline", async () => {
    const { base, runtime } = await start({ concurrency: 1, queue: 5 });
    expect(await runtime.afterResponse.drain(0)).toEqual({ outcome: "done", left: 0 });

    await call(base, "later", { count: 2 }, "req-drain");
    await vi.waitFor(() => expect(seen.started).toBe(1), EVENTUALLY);
    // Held at the gate: the deadline passes with both pieces still there.
    expect(await runtime.afterResponse.drain(10)).toEqual({ outcome: "timeout", left: 2 });

    const draining = runtime.afterResponse.drain(60_000);
    seen.gate.open();
    expect(await draining).toEqual({ outcome: "done", left: 0 });
    expect(seen.done).toBe(2);
  });
});
