import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@brisk/db/embedded";
import {
  type JobProgressEvent,
  lastJobProgressId,
  recordJobProgress,
} from "@brisk/db/queries/job-progress";
import { DEMO_PASSWORD, seed } from "@brisk/db/seed";
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
/** A session of member@brisk.dev (user 2), signed in through the api. */
let memberToken: string;

/**
 * Signs in through the api as the dashboard does, and returns the session's token from the
 * Set-Cookie it answers with: the same token works as a bearer token.
 */
async function signIn(email: string) {
  let token: string | undefined;
  const client = createBriskClient({
    url,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      const cookie = response.headers.getSetCookie()[0];
      token = cookie?.split(";")[0]?.split("=")[1];
      return response;
    },
  });
  await client.auth.signIn.mutate({ email, password: DEMO_PASSWORD });
  if (!token) throw new Error(`signing in ${email} set no cookie`);
  return token;
}

/** Calls that reject: the tRPC error code they carry. */
const codeOf = (call: Promise<unknown>) =>
  call.then(
    () => "resolved",
    (error: unknown) => (error as TRPCClientError<AppRouter>).data?.code,
  );

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
      // Sign-in hashes at nice 10: on a loaded CI machine the hash can take past the default
      // 3 s deadline, which these contract tests are not about.
      DB_REQUEST_TIMEOUT_MS: "20000",
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
  memberToken = await signIn("member@brisk.dev");
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

  it("sends its token as a bearer token on every call, beside caller headers", async () => {
    const sent: Headers[] = [];
    const client = createBriskClient({
      url,
      token: memberToken,
      headers: () => ({ "x-request-id": "contract-token" }),
      fetch: (input, init) => {
        sent.push(new Headers(init?.headers));
        return fetch(input, init);
      },
    });
    expect(await client.auth.me.query()).toEqual({
      kind: "user",
      id: 2,
      name: expect.any(String),
      email: "member@brisk.dev",
      role: "member",
    });
    // A write the member may make: their own name. Their own email is theirs to read.
    expect(await client.users.update.mutate({ id: 2, name: "Morgan Member" })).toEqual({
      id: 2,
      name: "Morgan Member",
    });
    expect((await client.users.byId.query({ id: 2 })).email).toBe("member@brisk.dev");
    expect(await codeOf(client.users.update.mutate({ id: 3, name: "Not mine" }))).toBe("FORBIDDEN");
    expect(sent).toHaveLength(4);
    for (const headers of sent) {
      expect(headers.get("authorization")).toBe(`Bearer ${memberToken}`);
      expect(headers.get("x-request-id")).toBe("contract-token");
    }
  });

  it("takes an API key as its token, as an internal service does", async () => {
    const admin = createBriskClient({ url, token: await signIn("admin@brisk.dev") });
    const key = await admin.apiKeys.create.mutate({ name: "contract test", role: "admin" });
    const service = createBriskClient({ url, token: key.token });
    expect(await service.auth.me.query()).toEqual({
      kind: "apiKey",
      id: key.id,
      name: "contract test",
      role: "admin",
    });
    expect(await service.users.update.mutate({ id: 5, name: "Renamed by a service" })).toEqual({
      id: 5,
      name: "Renamed by a service",
    });
  });

  it("replaces an Authorization header given beside the token", async () => {
    const client = createBriskClient({
      url,
      token: memberToken,
      headers: { Authorization: "Bearer not-a-session" },
    });
    expect((await client.auth.me.query())?.id).toBe(2);
  });

  it("without a token, reads public data and is refused every write with 401", async () => {
    const client = createBriskClient({ url });
    expect(await client.auth.me.query()).toBeNull();
    expect(await codeOf(client.users.update.mutate({ id: 2, name: "Anyone" }))).toBe(
      "UNAUTHORIZED",
    );
    expect(
      await codeOf(
        client.tags.create.mutate({ name: "Anonymous", slug: "anonymous", colour: "#3b82f6" }),
      ),
    ).toBe("UNAUTHORIZED");
    const user = await client.users.byId.query({ id: 2 });
    expect(user.name).toBe("Morgan Member");
    expect(user).not.toHaveProperty("email");
  });

  it("with a token that matches no session, is anonymous", async () => {
    const client = createBriskClient({ url, token: "no-such-session" });
    expect(await client.auth.me.query()).toBeNull();
    expect(await codeOf(client.users.update.mutate({ id: 2, name: "Anyone" }))).toBe(
      "UNAUTHORIZED",
    );
  });
});

// apps/api speaks tRPC's HTTP protocol itself (streamed batches go to tRPC's own handler):
// every official link must work against it as against tRPC.
describe.each([
  ["httpLink", httpLink],
  ["httpBatchLink", httpBatchLink],
  ["httpBatchStreamLink", httpBatchStreamLink],
] as const)("tRPC's %s against apps/api", (_name, link) => {
  // As the member (user 2): their own email shows, and they may rename themselves.
  const client = () =>
    createTRPCClient<AppRouter>({
      links: [link({ url, headers: { authorization: `Bearer ${memberToken}` } })],
    });

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
    const renamed = await client().users.update.mutate({ id: 2, name: "Renamed by a link" });
    expect(renamed).toEqual({ id: 2, name: "Renamed by a link" });
    expect((await client().users.byId.query({ id: 2 })).name).toBe("Renamed by a link");
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

describe("jobs.progress over server-sent events", () => {
  const record = (ownerId: number, done: number) =>
    recordJobProgress(database.handle.db, {
      runId: "contract-run",
      functionId: "test-function",
      ownerId,
      subject: "media:1",
      kind: "step",
      done,
      total: 3,
      label: null,
    });
  async function until(what: string, done: () => boolean) {
    const deadline = Date.now() + 20_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it("streams a member's own progress with a bearer token, and resumes after an event id", async () => {
    const from = await lastJobProgressId(database.handle.db);
    const client = createBriskClient({ url, token: memberToken });
    const received: Array<{ id: string; data: JobProgressEvent }> = [];
    const errors: unknown[] = [];
    const subscription = client.jobs.progress.subscribe(
      { lastEventId: String(from) },
      { onData: (event) => received.push(event), onError: (error) => errors.push(error) },
    );
    const mine = [await record(2, 1), await record(1, 1), await record(2, 2)];
    await until("the member's two events", () => received.length === 2);
    subscription.unsubscribe();
    expect(errors).toEqual([]);
    // Over the wire: JSON, so the types (and the data) have createdAt as a string.
    expect(received.map((r) => r.data)).toEqual([mine[0], mine[2]]);
    expect(received.map((r) => r.id)).toEqual([String(mine[0]!.id), String(mine[2]!.id)]);

    // Away for a while: what happened meanwhile comes first on resuming, then what is new.
    const missed = await record(2, 3);
    const resumed: JobProgressEvent[] = [];
    const again = client.jobs.progress.subscribe(
      { lastEventId: received[1]!.id },
      { onData: (event) => resumed.push(event.data) },
    );
    await until("the missed event", () => resumed.length === 1);
    const live = await record(2, 4);
    await until("the live one", () => resumed.length === 2);
    again.unsubscribe();
    expect(resumed).toEqual([missed, live]);
  });

  it("resumes from EventSource's Last-Event-ID header; refuses an anonymous caller", async () => {
    const before = await record(2, 5);
    const after = await record(2, 6);
    const abort = new AbortController();
    const response = await fetch(`${url}/jobs.progress`, {
      headers: {
        accept: "text/event-stream",
        authorization: `Bearer ${memberToken}`,
        "last-event-id": String(before.id),
      },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = "";
    while (!text.includes(`id: ${after.id}`)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    abort.abort();
    expect(text).toContain(`id: ${after.id}`);
    expect(text).not.toContain(`id: ${before.id}\n`);

    // The stream has started (200) when the procedure's middleware refuses: tRPC sends the
    // refusal in band, as the error event, with its 401, and the client does not reconnect.
    const refusal = await new Promise<TRPCClientError<AppRouter>>((resolve) => {
      createBriskClient({ url }).jobs.progress.subscribe(
        {},
        { onError: (error) => resolve(error as TRPCClientError<AppRouter>) },
      );
    });
    expect(refusal.data).toMatchObject({ code: "UNAUTHORIZED", httpStatus: 401 });
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
    // @trpc/client shares tRPC's runtime core (observables, error shapes); eventsource carries
    // subscriptions; nothing else may come.
    const foreign = inputs.filter(
      (file) => !/node_modules\/(@trpc\/(client|server)|eventsource(-parser)?)\//.test(file),
    );
    expect(foreign).toEqual(["src/index.ts"]);
    expect(inputs.some((f) => /drizzle|postgres|apps\/api|packages\/db/.test(f))).toBe(false);
  });
});
