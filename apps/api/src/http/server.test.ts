import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { appRouter } from "@brisk/trpc";
import { createTestRuntime, createTRPCRouter, publicProcedure } from "@brisk/trpc/testing";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApiServer, type ServerDeps } from "./server";

const database = useTestDatabase();

// Resolved when `slow` starts running, so drain tests begin with a request truly in flight.
let slowStarted: () => void = () => {};
const nextSlowStart = () =>
  new Promise<void>((resolve) => {
    slowStarted = resolve;
  });

// The real router plus two procedures that misbehave on purpose.
const router = createTRPCRouter({
  ...appRouter._def.record,
  boom: publicProcedure.query(() => {
    throw new Error("password=hunter2 leaked from a driver");
  }),
  slow: publicProcedure.input(z.object({ ms: z.number().max(2_000) })).query(async ({ input }) => {
    slowStarted();
    await new Promise((r) => setTimeout(r, input.ms));
    return "done";
  }),
});

let stop: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

interface StartOptions {
  exposeErrors?: boolean;
  accessLogSample?: number;
  /** Receives every log line, as written. */
  logLines?: Record<string, unknown>[];
  inngest?: ServerDeps["inngest"];
}

async function start(options: StartOptions = {}) {
  const lines = options.logLines;
  const runtime = createTestRuntime(database, {
    exposeErrors: options.exposeErrors ?? false,
    ...(lines
      ? {
          logLevel: "info",
          logDestination: { write: (line: string) => lines.push(JSON.parse(line)) },
        }
      : {}),
  });
  const api = createApiServer({
    router,
    createContext: runtime.createContext,
    log: runtime.log,
    readiness: { sql: runtime.db.sql, isWarm: () => true },
    inngest: options.inngest,
    accessLogSample: options.accessLogSample,
  });
  await runtime.db.warm();
  const port = await api.listen(0, "127.0.0.1");
  stop = async () => {
    await api.drain(1_000);
    await runtime.close();
  };
  return { api, base: `http://127.0.0.1:${port}` };
}

const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

interface ErrorBody {
  error: {
    message: string;
    data: {
      zodError: { fieldErrors: Record<string, string[]> };
      requestId: string;
      stack?: string;
    };
  };
}

describe("api server", () => {
  it("answers /healthz and /readyz", async () => {
    const { base } = await start();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });

  it("echoes a caller's request id and makes one otherwise", async () => {
    const { base } = await start();
    const given = await fetch(`${base}/healthz`, { headers: { "x-request-id": "abc-123" } });
    expect(given.headers.get("x-request-id")).toBe("abc-123");
    const made = await fetch(`${base}/healthz`, { headers: { "x-request-id": "bad id!" } });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gives field messages for bad input, as a 400", async () => {
    const { base } = await start();
    const res = await fetch(`${base}/trpc/users.list?input=${input({ limit: 0 })}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.message).toBe("Invalid input: limit: Too small: expected number to be >=1");
    expect(body.error.data.zodError.fieldErrors.limit).toHaveLength(1);
    expect(body.error.data.stack).toBeUndefined();
  });

  it("hides an unexpected error's message and stack outside development", async () => {
    const { base } = await start();
    const res = await fetch(`${base}/trpc/boom`, { headers: { "x-request-id": "req-42" } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("hunter2");
    const body = JSON.parse(text) as ErrorBody;
    expect(body.error.message).toBe("Internal server error");
    expect(body.error.data.requestId).toBe("req-42");
    expect(body.error.data.stack).toBeUndefined();
  });

  it("shows the message and stack in development", async () => {
    const { base } = await start({ exposeErrors: true });
    const body = (await (await fetch(`${base}/trpc/boom`)).json()) as ErrorBody;
    expect(body.error.message).toContain("hunter2");
    expect(body.error.data.stack).toContain("Error");
  });

  it("serves a tRPC batch of 20 lookups with one statement", async () => {
    await seed(database.handle.sql, { users: 25, postsPerUser: 2 });
    const { base } = await start();
    const ids = Array.from({ length: 20 }, (_, i) => i + 1);
    const paths = ids.map(() => "users.byId").join(",");
    const batch = Object.fromEntries(ids.map((id, i) => [i, { id }]));
    database.resetStatements();
    const res = await fetch(`${base}/trpc/${paths}?batch=1&input=${input(batch)}`);
    expect(res.status).toBe(200);
    const results = (await res.json()) as { result: { data: { id: number } } }[];
    expect(results.map((r) => r.result.data.id)).toEqual(ids);
    expect(database.statements).toHaveLength(1);
  });

  it("logs each request as one JSON line with its request id", async () => {
    const lines: Record<string, unknown>[] = [];
    const { base } = await start({ logLines: lines });
    await fetch(`${base}/trpc/boom`, { headers: { "x-request-id": "log-test" } });
    await expect
      .poll(() => lines.find((l) => l.msg === "request"))
      .toMatchObject({
        reqId: "log-test",
        path: "/trpc/boom",
        status: 500,
      });
    // The failure itself is logged with the same id, and its cause.
    expect(lines.find((l) => l.msg === "procedure failed")).toMatchObject({
      reqId: "log-test",
      err: { message: "password=hunter2 leaked from a driver" },
    });
  });

  it("samples access lines when asked to, but always logs a failed request", async () => {
    const lines: Record<string, unknown>[] = [];
    const { base } = await start({ logLines: lines, accessLogSample: 0 });
    await fetch(`${base}/trpc/tags.list`, { headers: { "x-request-id": "sampled-out" } });
    await fetch(`${base}/trpc/boom`, { headers: { "x-request-id": "failed" } });
    await expect
      .poll(() => lines.find((l) => l.msg === "request"))
      .toMatchObject({ reqId: "failed", status: 500 });
    expect(lines.filter((l) => l.msg === "request").map((l) => l.reqId)).toEqual(["failed"]);
  });

  it("answers a JSON 404 outside its routes, and a 405 for a method a route does not take", async () => {
    const { base } = await start();
    const missing = await fetch(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "Not found" });
    // A path that only starts like a route is not that route.
    expect((await fetch(`${base}/healthzz`)).status).toBe(404);

    const wrong = await fetch(`${base}/healthz`, { method: "POST" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, HEAD");
    expect(await wrong.json()).toEqual({ error: "POST is not allowed on /healthz" });
    expect((await fetch(`${base}/trpc/users.list`, { method: "DELETE" })).status).toBe(405);
    // Inngest's mount is not there until background jobs give it a handler.
    expect((await fetch(`${base}/api/inngest`)).status).toBe(404);
  });

  it("mounts Inngest's serve endpoint at /api/inngest when given one", async () => {
    const seen: string[] = [];
    const { base } = await start({
      inngest: (req, res) => {
        seen.push(`${req.method} ${req.url}`);
        res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      },
    });
    const res = await fetch(`${base}/api/inngest?fnId=x&stepId=step`, { method: "PUT" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen).toEqual(["PUT /api/inngest?fnId=x&stepId=step"]);
    expect((await fetch(`${base}/api/inngest`, { method: "DELETE" })).status).toBe(405);
  });

  it("finishes in-flight requests when draining, then refuses new connections", async () => {
    const { api, base } = await start();
    const started = nextSlowStart();
    const inFlight = fetch(`${base}/trpc/slow?input=${input({ ms: 300 })}`);
    await started;
    const drained = api.drain(5_000);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: { data: "done" } });
    expect(await drained).toEqual({ outcome: "done", abandoned: 0 });
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    stop = undefined;
  });

  it("cuts requests that outlive the shutdown deadline", async () => {
    const { api, base } = await start();
    const started = nextSlowStart();
    const inFlight = fetch(`${base}/trpc/slow?input=${input({ ms: 2_000 })}`).catch(() => "cut");
    await started;
    expect(await api.drain(200)).toEqual({ outcome: "timeout", abandoned: 1 });
    expect(await inFlight).toBe("cut");
    stop = undefined;
  });
});
