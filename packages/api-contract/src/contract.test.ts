import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@brisk/db/embedded";
import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import {
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  TRPCClientError,
} from "@trpc/client";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppRouter, createBriskClient, type RouterOutputs } from "./index";

const here = path.dirname(fileURLToPath(import.meta.url));
const apiMain = path.resolve(here, "../../../apps/api/src/main.ts");
const tsx = createRequire(import.meta.url).resolve("tsx");

const database = useTestDatabase();
let api: ChildProcess;
let url: string;

beforeAll(async () => {
  await seed(database.handle.sql, { users: 30, demo: true });
  const port = await freePort();
  url = `http://127.0.0.1:${port}/trpc`;
  // The real apps/api entry point, as its own process, over real HTTP.
  api = spawn(process.execPath, ["--import", tsx, apiMain], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      PORT: String(port),
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      DB_POOL_WARM: "2",
      METRICS_PORT: "0",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exited = new Promise<never>((_, reject) =>
    api.once("exit", (code) => reject(new Error(`apps/api exited with ${code} before ready`))),
  );
  const isReady = () =>
    fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
  const ready = (async () => {
    while (api.exitCode === null && !(await isReady())) {
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  // Once ready, a later exit is afterAll's to judge.
  exited.catch(() => {});
  // Starting tsx and the api on a loaded machine takes a while; a crash ends the wait at once.
  await Promise.race([ready, exited]);
}, 60_000);

afterAll(async () => {
  if (!api) return;
  expect(api.exitCode).toBeNull();
  const exited = new Promise<number | null>((resolve) => api.once("exit", resolve));
  api.kill("SIGTERM");
  // A clean shutdown: drained, closed, exit code 0.
  expect(await exited).toBe(0);
});

describe("createBriskClient against a running apps/api", () => {
  it("calls procedures with full types, batched", async () => {
    let requests = 0;
    const client = createBriskClient({
      url,
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });
    const [page, tags] = await Promise.all([
      client.users.list.query({ limit: 5, postsPerUser: 2 }),
      client.tags.list.query(),
    ]);
    expect(requests).toBe(1);
    const first: RouterOutputs["users"]["list"]["items"][number] = page.items[0]!;
    expect(first.name).toBe("Avery Admin");
    // Plain JSON on the wire: dates arrive as ISO strings, and the types say so.
    expect(typeof first.createdAt).toBe("string");
    expect(first.posts).toHaveLength(2);
    expect(tags).toHaveLength(50);
  });

  it("surfaces typed errors", async () => {
    const client = createBriskClient({ url });
    const error = await client.users.byId.query({ id: 987_654 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe("NOT_FOUND");
    const bad = await client.users.list.query({ limit: 101 }).catch((e: unknown) => e);
    expect((bad as TRPCClientError<AppRouter>).data?.zodError?.fieldErrors).toHaveProperty("limit");
  });

  it("sends caller headers", async () => {
    const client = createBriskClient({ url, headers: { "x-request-id": "contract-test" } });
    const error = await client.users.byId.query({ id: 987_654 }).catch((e: unknown) => e);
    expect((error as TRPCClientError<AppRouter>).data?.requestId).toBe("contract-test");
  });
});

// apps/api speaks tRPC's HTTP protocol itself (streamed batches go to tRPC's own handler):
// every official link must work against it as against tRPC.
describe.each([
  ["httpLink", httpLink],
  ["httpBatchLink", httpBatchLink],
  ["httpBatchStreamLink", httpBatchStreamLink],
] as const)("tRPC's %s against apps/api", (_name, link) => {
  const client = () => createTRPCClient<AppRouter>({ links: [link({ url })] });

  it("runs queries, alone and together, with their answers in order", async () => {
    const [page, user, tags] = await Promise.all([
      client().users.list.query({ limit: 3, postsPerUser: 1 }),
      client().users.byId.query({ id: 2 }),
      client().tags.list.query(),
    ]);
    expect(page.items.map((u) => u.id)).toEqual([1, 2, 3]);
    expect(user.email).toBe("member@brisk.dev");
    expect(tags).toHaveLength(50);
  });

  it("runs a mutation", async () => {
    const renamed = await client().users.update.mutate({ id: 5, name: "Renamed by a link" });
    expect(renamed).toEqual({ id: 5, name: "Renamed by a link" });
    expect((await client().users.byId.query({ id: 5 })).name).toBe("Renamed by a link");
  });

  it("carries typed errors, next to answers in the same batch", async () => {
    const [missing, found] = await Promise.allSettled([
      client().users.byId.query({ id: 987_654 }),
      client().users.byId.query({ id: 1 }),
    ]);
    expect(missing.status).toBe("rejected");
    const error = (missing as PromiseRejectedResult).reason as TRPCClientError<AppRouter>;
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(error.data?.code).toBe("NOT_FOUND");
    expect(found.status).toBe("fulfilled");
    const bad = await client()
      .users.list.query({ limit: 101 })
      .catch((e: unknown) => e);
    expect((bad as TRPCClientError<AppRouter>).data?.zodError?.fieldErrors).toHaveProperty("limit");
  });
});

describe("the contract package", () => {
  it("pulls no server code into a client bundle", async () => {
    const result = await build({
      entryPoints: [path.join(here, "index.ts")],
      bundle: true,
      write: false,
      metafile: true,
      platform: "browser",
      format: "esm",
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    // @trpc/client shares tRPC's runtime core (observables, error shapes); nothing else may come.
    const foreign = inputs.filter((file) => !/node_modules\/@trpc\/(client|server)\//.test(file));
    expect(foreign).toEqual(["src/index.ts"]);
    expect(inputs.some((f) => /drizzle|postgres|apps\/api|packages\/db/.test(f))).toBe(false);
  });
});
