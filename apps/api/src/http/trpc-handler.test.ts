import http from "node:http";
import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { appRouter } from "@brisk/trpc";
import { createTestRuntime, createTRPCRouter, publicProcedure } from "@brisk/trpc/testing";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTrpcRoute } from "./trpc-route";

/**
 * Brisk's tRPC handler against tRPC's own, request by request: the same status, the same
 * headers that matter, the same body, to the byte. A tRPC upgrade that changes the protocol
 * fails here.
 */
const database = useTestDatabase();

const CODES = [
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "METHOD_NOT_SUPPORTED",
  "TIMEOUT",
  "CONFLICT",
  "PRECONDITION_FAILED",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "UNPROCESSABLE_CONTENT",
  "TOO_MANY_REQUESTS",
  "CLIENT_CLOSED_REQUEST",
  "INTERNAL_SERVER_ERROR",
  "NOT_IMPLEMENTED",
  "BAD_GATEWAY",
  "SERVICE_UNAVAILABLE",
  "GATEWAY_TIMEOUT",
  "PARSE_ERROR",
] as const;

const router = createTRPCRouter({
  ...appRouter._def.record,
  probe: {
    fails: publicProcedure.input(z.object({ code: z.enum(CODES) })).query(({ input }) => {
      throw new TRPCError({ code: input.code, message: `failed with ${input.code}` });
    }),
    crashes: publicProcedure.query(() => {
      throw new Error("password=hunter2 leaked from a driver");
    }),
    nothing: publicProcedure.query(() => undefined),
    nullish: publicProcedure.query(() => null),
    streamLike: publicProcedure.query(() => ({ later: Promise.resolve(1) })),
    echo: publicProcedure.input(z.unknown()).mutation(({ input }) => ({ input })),
    remember: publicProcedure.mutation(({ ctx }) => {
      ctx.request.setCookie("seen", "yes", { httpOnly: true, sameSite: "lax", path: "/" });
      return "remembered";
    }),
  },
});

let ours: string;
let theirs: string;
const servers: http.Server[] = [];

beforeAll(async () => {
  await seed(database.handle.sql, { users: 8, postsPerUser: 2, demo: true });
  const runtime = createTestRuntime(database);
  const route = createTrpcRoute({
    router,
    createContext: runtime.createContext,
    log: runtime.log,
    serialize: JSON.stringify,
    trustProxyHops: 0,
    maxBodyBytes: 1024 * 1024,
  });
  const listen = async (handler: typeof route.handle) => {
    const server = http.createServer((req, res) => {
      res.setHeader("x-request-id", "corpus");
      handler(req, res);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  };
  ours = await listen(route.handle);
  theirs = await listen(route.standalone);
  return () => runtime.close();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

interface Probe {
  name: string;
  path: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
}

const q = (value: unknown) => encodeURIComponent(JSON.stringify(value));
const json = { "content-type": "application/json" };
const hundredAndOne = Array.from({ length: 101 }, () => "tags.list").join(",");

const corpus: Probe[] = [
  // Single queries: answers, defaults, not found, bad input.
  { name: "a query", path: `users.list?input=${q({ limit: 2, postsPerUser: 1 })}` },
  { name: "a query with its defaults", path: "users.list" },
  { name: "a query with no input", path: "tags.list" },
  { name: "a lookup", path: `users.byId?input=${q({ id: 1 })}` },
  { name: "NOT_FOUND from the procedure", path: `users.byId?input=${q({ id: 999_999 })}` },
  { name: "a zod failure", path: `users.list?input=${q({ limit: 0, postsPerUser: 99 })}` },
  { name: "an input that is not JSON", path: "users.list?input=not-json" },
  { name: "an input cut short", path: `users.list?input=${encodeURIComponent('{"limit":')}` },
  { name: "an unknown procedure", path: "nope.nothing" },
  { name: "an empty path", path: "" },
  { name: "a path that is not URL-encoded right", path: "users.%E0%A4%A" },
  { name: "a procedure that returns undefined", path: "probe.nothing" },
  { name: "a procedure that returns null", path: "probe.nullish" },
  { name: "a stream-like answer outside a stream", path: "probe.streamLike" },
  { name: "a stream-like answer in a batch", path: "probe.streamLike,tags.list?batch=1" },
  { name: "an unexpected error", path: "probe.crashes" },
  ...CODES.map((code) => ({ name: `TRPCError ${code}`, path: `probe.fails?input=${q({ code })}` })),
  // Batched queries.
  {
    name: "a batch of answers",
    path: `users.byId,users.byId,tags.list?batch=1&input=${q({ 0: { id: 1 }, 1: { id: 2 } })}`,
  },
  {
    name: "a batch of mixed outcomes (207)",
    path: `users.byId,users.byId,nope?batch=1&input=${q({ 0: { id: 1 }, 1: { id: 999_999 } })}`,
  },
  {
    name: "a batch of the same failure",
    path: `users.byId,users.byId?batch=1&input=${q({ 0: { id: 999_998 }, 1: { id: 999_999 } })}`,
  },
  { name: "a batch whose input is not an object", path: `users.byId?batch=1&input=${q([1])}` },
  { name: "a batch with no input", path: "tags.list,tags.list?batch=1" },
  { name: "a batch mixing queries and mutations", path: "tags.list,users.update?batch=1" },
  { name: "a batch over the size limit", path: `${hundredAndOne}?batch=1` },
  { name: "a batch naming nothing but unknowns", path: "a,b?batch=1" },
  // Methods.
  { name: "a mutation over GET", path: `users.update?input=${q({ id: 1, name: "X" })}` },
  { name: "a query over POST", path: "tags.list", method: "POST", headers: json, body: "{}" },
  // Mutations.
  {
    name: "a mutation",
    path: "users.update",
    method: "POST",
    headers: json,
    body: JSON.stringify({ id: 1, name: "Avery Admin" }),
  },
  {
    name: "a mutation's zod failure",
    path: "users.update",
    method: "POST",
    headers: json,
    body: JSON.stringify({ id: 1, name: " " }),
  },
  {
    name: "a mutation's NOT_FOUND",
    path: "users.update",
    method: "POST",
    headers: json,
    body: JSON.stringify({ id: 999_999, name: "Nobody" }),
  },
  {
    name: "a body that is not JSON",
    path: "probe.echo",
    method: "POST",
    headers: json,
    body: "{x",
  },
  { name: "an empty body", path: "probe.echo", method: "POST", headers: json, body: "" },
  { name: "a body of null", path: "probe.echo", method: "POST", headers: json, body: "null" },
  {
    name: "a body over the size limit",
    path: "probe.echo",
    method: "POST",
    headers: json,
    body: JSON.stringify({ big: "x".repeat(1_100_000) }),
  },
  {
    name: "a batch of mutations",
    path: "probe.echo,probe.echo,users.update?batch=1",
    method: "POST",
    headers: json,
    body: JSON.stringify({ 0: { a: 1 }, 2: { id: 999_999, name: "Nobody" } }),
  },
  {
    name: "a batch of mutations whose body is not an object",
    path: "probe.echo?batch=1",
    method: "POST",
    headers: json,
    body: "[1]",
  },
  { name: "a mutation that sets a cookie", path: "probe.remember", method: "POST", headers: json },
  {
    name: "a content type tRPC does not take",
    path: "probe.echo",
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: "hello",
  },
  { name: "no content type", path: "probe.echo", method: "POST", body: "{}" },
  {
    name: "a content type with parameters, in capitals",
    path: "probe.echo",
    method: "POST",
    headers: { "content-type": "Application/JSON; charset=utf-8" },
    body: '{"a":1}',
  },
];

const RELEVANT = ["content-type", "vary", "retry-after", "set-cookie", "allow"];

async function send(base: string, probe: Probe) {
  const res = await fetch(`${base}/trpc/${probe.path}`, {
    method: probe.method ?? "GET",
    headers: probe.headers ?? {},
    body: probe.body,
  });
  const headers = Object.fromEntries(RELEVANT.map((h) => [h, res.headers.get(h)]));
  return {
    status: res.status,
    headers,
    serverTiming: res.headers.has("server-timing"),
    body: await res.text(),
  };
}

describe("Brisk's tRPC handler against tRPC's own", () => {
  it.each(corpus.map((probe) => [probe.name, probe] as const))("%s", async (_name, probe) => {
    const theirAnswer = await send(theirs, probe);
    const ourAnswer = await send(ours, probe);
    expect(ourAnswer).toEqual(theirAnswer);
  });

  it("writes a cached answer's kept bytes: the same body tRPC serializes", async () => {
    const cached = createTestRuntime(database, {
      cache: { memory: { maxStaleMs: 60_000, maxEntries: 100, maxBytes: 1_000_000, alone: true } },
    });
    const route = createTrpcRoute({
      router,
      createContext: cached.createContext,
      log: cached.log,
      serialize: cached.serialize,
      trustProxyHops: 0,
      maxBodyBytes: 1024 * 1024,
    });
    const server = http.createServer((req, res) => {
      res.setHeader("x-request-id", "corpus");
      route.handle(req, res);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      for (const path of [`users.byId?input=${q({ id: 3 })}`, "tags.list", "users.list"]) {
        const probe = { name: path, path };
        const expected = await send(theirs, probe);
        // The first answer is loaded and kept; the second is tier 1's bytes.
        expect(await send(base, probe)).toEqual(expected);
        expect(await send(base, probe)).toEqual(expected);
      }
    } finally {
      await cached.close();
    }
  });

  it("answers JSON, not an echo of the cause, for an unexpected error", async () => {
    const answer = await send(ours, { name: "", path: "probe.crashes" });
    expect(answer.status).toBe(500);
    expect(answer.body).not.toContain("hunter2");
  });
});
