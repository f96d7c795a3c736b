import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { appRouter, RecentTraces, startTracing } from "@brisk/trpc";
import { createTRPCRouter, publicProcedure } from "@brisk/trpc/testing";
import { context, metrics } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApi } from "../testing";

const exporter = new InMemorySpanExporter();
const recent = new RecentTraces({ slowMs: 0, capacity: 10 });
const tracing = startTracing({
  serviceName: "brisk-api-test",
  sampleRatio: 1,
  processors: [new SimpleSpanProcessor(exporter), recent],
});

const database = useTestDatabase();
let api: Awaited<ReturnType<typeof startTestApi>>;
let base: string;

const router = createTRPCRouter({
  ...appRouter._def.record,
  boom: publicProcedure.query(() => {
    throw new Error("kaboom");
  }),
});

beforeAll(async () => {
  await seed(database.handle.sql, { users: 5, postsPerUser: 3 });
  api = await startTestApi(database, { router });
  base = api.base;
});

afterAll(async () => {
  await api.stop();
  await tracing.shutdown();
});

beforeEach(() => exporter.reset());

const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

// The test's own requests go out untraced (undici is instrumented too), as a remote
// client's would: the api's spans are then the roots, or children of a sent traceparent.
const fetch: typeof globalThis.fetch = (url, init) =>
  context.with(suppressTracing(context.active()), () => globalThis.fetch(url, init));

/** Spans of one trace as a tree of names, children in start order. */
function tree(spans: ReadableSpan[]) {
  const children = (parentId: string | undefined): unknown[] =>
    spans
      .filter((s) => s.parentSpanContext?.spanId === parentId)
      .sort((a, b) => a.startTime[1] - b.startTime[1] + (a.startTime[0] - b.startTime[0]) * 1e9)
      .map((s) => {
        const kids = children(s.spanContext().spanId);
        return kids.length ? { [s.name]: kids } : s.name;
      });
  return children(undefined);
}

async function spansOf(traceId: string) {
  await expect.poll(() => exporter.getFinishedSpans().some((s) => !s.parentSpanContext)).toBe(true);
  return exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
}

describe("tracing", () => {
  it("sets up traces only: no metric export of the SDK's own (metrics go to Prometheus)", () => {
    // Left to its defaults the SDK exported metrics over OTLP to a collector that is not
    // there, and spent 7–8 s retrying the last export on SIGTERM.
    expect(metrics.getMeterProvider().constructor.name).toBe("NoopMeterProvider");
  });

  it("makes the tree request → procedure → SQL statement, named by convention", async () => {
    const res = await fetch(`${base}/users.list?input=${input({ limit: 2 })}`);
    expect(res.status).toBe(200);
    const traceId = res.headers.get("x-trace-id")!;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.get("server-timing")).toMatch(/^db;dur=\d+\.\d, total;dur=\d+\.\d$/);

    const spans = await spansOf(traceId);
    expect(tree(spans)).toEqual([
      { "GET /trpc/users.list": [{ "trpc users.list": ["SELECT users"] }] },
    ]);
    const procedure = spans.find((s) => s.name === "trpc users.list")!;
    expect(procedure.attributes).toMatchObject({
      "rpc.system": "trpc",
      "rpc.method": "users.list",
      "rpc.trpc.type": "query",
    });
    const statement = spans.find((s) => s.name === "SELECT users")!;
    expect(statement.attributes["db.system"]).toBe("postgresql");
    expect(statement.attributes["db.response.returned_rows"]).toBe(3);
    // Values travel as parameters: no literal from the input is in the text.
    expect(String(statement.attributes["db.query.text"])).toMatch(/\$1/);
    expect(String(statement.attributes["db.query.text"])).not.toContain("published'");
  });

  it("ends a throwing procedure's span with error status", async () => {
    const res = await fetch(`${base}/boom`);
    expect(res.status).toBe(500);
    const spans = await spansOf(res.headers.get("x-trace-id")!);
    const boom = spans.find((s) => s.name === "trpc boom")!;
    expect(boom.ended).toBe(true);
    expect(boom.status.code).toBe(2);
    expect(boom.attributes["rpc.trpc.error_code"]).toBe("INTERNAL_SERVER_ERROR");
  });

  it("links a batched statement to every procedure it served", async () => {
    const res = await fetch(
      `${base}/users.byId,users.byId,users.byId?batch=1&input=${input({ 0: { id: 1 }, 1: { id: 2 }, 2: { id: 3 } })}`,
    );
    const spans = await spansOf(res.headers.get("x-trace-id")!);
    const procedures = spans.filter((s) => s.name === "trpc users.byId");
    expect(procedures).toHaveLength(3);
    const batch = spans.find((s) => s.name === "loader users.byId")!;
    expect(batch.links.map((l) => l.context.spanId).sort()).toEqual(
      procedures.map((p) => p.spanContext().spanId).sort(),
    );
    const statements = spans.filter((s) => s.name === "SELECT users");
    expect(statements).toHaveLength(1);
    expect(statements[0]?.parentSpanContext?.spanId).toBe(batch.spanContext().spanId);
  });

  it("continues a caller's trace", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const res = await fetch(`${base}/tags.list`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(res.headers.get("x-trace-id")).toBe(traceId);
  });

  it("keeps recent slow traces in memory for the Ops page", async () => {
    const res = await fetch(`${base}/tags.list`);
    const traceId = res.headers.get("x-trace-id")!;
    await expect
      .poll(() => recent.list().find((t) => t.traceId === traceId))
      .toMatchObject({
        name: "GET /trpc/tags.list",
        error: false,
      });
    const kept = recent.list().find((t) => t.traceId === traceId)!;
    expect(kept.spans.map((s) => s.name).sort()).toEqual([
      "GET /trpc/tags.list",
      "SELECT tags",
      "trpc tags.list",
    ]);
  });
});
