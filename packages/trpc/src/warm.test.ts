import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { startTestRedis, type TestRedis } from "@brisk/upstash-bridge/testing";
import { QueryClient } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageReads } from "./page-reads";
import { internalRequest } from "./request";
import { appRouter } from "./router";
import type { Runtime } from "./runtime";
import { createTestRuntime } from "./testing";

const database = useTestDatabase();
let redis: TestRedis;
let api: Runtime;
let web: Runtime;

beforeAll(async () => {
  await seed(database.handle.sql, { users: 30, postsPerUser: 5, demo: true });
  redis = await startTestRedis();
  const shared = { url: redis.restUrl, token: redis.token, timeoutMs: 2_000 };
  // Built as each host builds its own: apps/api with both tiers, the dashboard's server with
  // Redis alone.
  api = createTestRuntime(database, {
    cache: {
      memory: { maxStaleMs: 5_000, maxEntries: 1_000, maxBytes: 10_000_000, alone: false },
      redis: shared,
    },
  });
  web = createTestRuntime(database, { cache: { redis: shared } });
  await Promise.all([api.db.warm(), web.db.warm()]);
});
afterAll(async () => {
  await Promise.all([api?.close(), web?.close()]);
  await redis?.stop();
});

describe("the boot warm-up", () => {
  it("fills exactly what the dashboard's first renders read: they issue no SQL", async () => {
    await api.warm();
    database.resetStatements();

    // The Authors page's server render, as apps/web/src/app/authors does it: tRPC's options
    // proxy over the dashboard's runtime, prefetching the infinite query with the page's input.
    const queryClient = new QueryClient();
    const trpc = createTRPCOptionsProxy({
      ctx: () => web.createContext(internalRequest("render")),
      router: appRouter,
      queryClient,
    });
    const authors = trpc.users.list.infiniteQueryOptions(pageReads.authors, {
      getNextPageParam: (last) => last.nextCursor,
    });
    await queryClient.prefetchInfiniteQuery(authors);
    expect(queryClient.getQueryState(authors.queryKey)?.status).toBe("success");
    expect(queryClient.getQueryData(authors.queryKey)?.pages[0]?.items).toHaveLength(20);

    // The Posts page's tags and the new-post editor's authors, in process.
    const caller = web.caller(internalRequest("render"));
    await caller.tags.list();
    await caller.users.list(pageReads.postAuthors);

    // And apps/api answers the same reads from memory.
    const own = api.caller(internalRequest("request"));
    await own.users.list(pageReads.authors);
    await own.tags.list();

    expect(database.statements).toEqual([]);
  });
});
