import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@brisk/db/embedded";
import { DEMO_PASSWORD, seed } from "@brisk/db/seed";
import { createTestDatabase } from "@brisk/db/testing";
import { useTestDatabase } from "@brisk/db/testing/database";
import { newSession } from "@brisk/trpc/testing";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";

// The real entry point, as its own process: what an orchestrator starts, probes and stops.
// Each test starts it with tsx (compiling the api and its packages), which on a loaded CI
// machine takes many seconds: hence the long timeouts, not slowness of the api itself.
vi.setConfig({ testTimeout: 120_000 });
const main = path.join(path.dirname(fileURLToPath(import.meta.url)), "main.ts");
const tsx = createRequire(import.meta.url).resolve("tsx");

const database = useTestDatabase();
let admin: postgres.Sql;
const databaseName = () => new URL(database.url).pathname.slice(1);

beforeAll(async () => {
  await seed(database.handle.sql, { users: 10, postsPerUser: 2, demo: true });
  const url = new URL(database.url);
  url.pathname = "/postgres";
  admin = postgres(url.toString(), { max: 1, onnotice: () => {} });
});
afterAll(() => admin?.end());

interface Api {
  child: ChildProcess;
  origin: string;
  output: () => string;
  exited: Promise<number | null>;
}
const running: Api[] = [];
afterEach(async () => {
  for (const api of running.splice(0)) {
    if (api.child.exitCode === null) api.child.kill("SIGKILL");
    await api.exited;
  }
});

async function startApi(env: Record<string, string> = {}): Promise<Api> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", tsx, main], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      PORT: String(port),
      METRICS_PORT: "0",
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      DB_POOL_WARM: "2",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (chunk) => {
    log += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    log += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const api = { child, origin: `http://127.0.0.1:${port}`, output: () => log, exited };
  running.push(api);
  return api;
}

/** /readyz's answer, or null while nothing listens. */
async function readiness(api: Api) {
  try {
    const res = await fetch(`${api.origin}/readyz`);
    return { status: res.status, body: (await res.json()) as { status: string } };
  } catch {
    return null;
  }
}

async function until<T>(what: string, api: Api, probe: () => Promise<T | undefined>) {
  const end = Date.now() + 60_000;
  for (;;) {
    if (api.child.exitCode !== null)
      throw new Error(`api exited waiting for ${what}:\n${api.output()}`);
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`no ${what} in time:\n${api.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Runs `statement` in a transaction of its own and keeps that transaction open, its locks
 * held, until the function it resolves to is called.
 */
async function holdInTransaction(statement: (tx: postgres.TransactionSql) => Promise<unknown>) {
  const blocker = postgres(database.url, { max: 1, onnotice: () => {} });
  let locked!: () => void;
  let release!: () => void;
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const done = blocker.begin(async (tx) => {
    await statement(tx);
    locked();
    await released;
  });
  await isLocked;
  return async () => {
    release();
    await done;
    await blocker.end();
  };
}

const readyzSays = (api: Api, status: string) =>
  until(`readyz "${status}"`, api, async () => {
    const answer = await readiness(api);
    return answer?.body.status === status ? answer : undefined;
  });

describe("/readyz on the real entry point", () => {
  it("answers warming up, then ready, then degraded while the database is unreachable, then ready again", async () => {
    // The warm-up reads tags.list; while a transaction holds the tags table, it cannot.
    const release = await holdInTransaction((tx) => tx`lock table tags in access exclusive mode`);
    const api = await startApi({ MIGRATE_ON_START: "false", DB_REQUEST_TIMEOUT_MS: "500" });
    try {
      const warming = await readyzSays(api, "warming up");
      expect(warming.status).toBe(503);
      // Listening, and alive, all the while.
      expect((await fetch(`${api.origin}/healthz`)).status).toBe(200);
    } finally {
      await release();
    }
    expect((await readyzSays(api, "ready")).status).toBe(200);

    // Postgres stops taking connections to this database, and drops the api's.
    await admin.unsafe(`alter database ${databaseName()} with allow_connections false`);
    try {
      await admin`select pg_terminate_backend(pid) from pg_stat_activity
        where datname = ${databaseName()} and application_name like 'brisk-api:%'`;
      // Still in rotation: cached reads answer, the rest is refused at once with Retry-After.
      const down = await readyzSays(api, "degraded");
      expect(down.status).toBe(200);
      expect(down.body).toMatchObject({ database: "unreachable" });
    } finally {
      await admin.unsafe(`alter database ${databaseName()} with allow_connections true`);
    }
    expect((await readyzSays(api, "ready")).status).toBe(200);
  });

  it("answers migrations pending when the schema is behind the code", async () => {
    const behind = await createTestDatabase(inject("templateUrl"));
    try {
      const sql = postgres(behind.url, { max: 1, onnotice: () => {} });
      await sql`delete from drizzle.__drizzle_migrations`;
      await sql.end();
      const api = await startApi({ DATABASE_URL: behind.url, MIGRATE_ON_START: "false" });
      expect((await readyzSays(api, "migrations pending")).status).toBe(503);
      api.child.kill("SIGTERM");
      expect(await api.exited).toBe(0);
    } finally {
      await behind.drop();
    }
  });
});

describe("graceful shutdown of the real entry point", () => {
  it("on SIGTERM: finishes the request in flight, says draining on its connection, exits 0", async () => {
    const api = await startApi({ MIGRATE_ON_START: "false", DB_REQUEST_TIMEOUT_MS: "20000" });
    await readyzSays(api, "ready");

    // Before the lock: the session's foreign key would wait on it too.
    const session = newSession(3);
    await database.handle.sql`insert into sessions (id, user_id, expires_at)
      values (${session.row.id}, ${session.row.userId}, ${session.row.expiresAt.toISOString()})`;

    // A rename that waits on a row lock the test holds: a request truly in flight.
    const release = await holdInTransaction(
      (tx) => tx`select id from users where id = 3 for update`,
    );

    // One keep-alive connection: the rename, then (once SIGTERM has come) a readiness probe.
    const socket = net.connect(Number(new URL(api.origin).port), "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk;
    });
    const body = JSON.stringify({ id: 3, name: "Renamed during shutdown" });
    socket.write(
      `POST /trpc/users.update HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\n` +
        `Authorization: Bearer ${session.token}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await until("the rename to wait on the lock", api, async () => {
      const [row] = await admin`select count(*)::int as n from pg_stat_activity
        where datname = ${databaseName()} and wait_event_type = 'Lock'`;
      return row?.n === 1 ? true : undefined;
    });

    api.child.kill("SIGTERM");
    await until("the shutdown to begin", api, async () =>
      api.output().includes('"msg":"shutting down"') ? true : undefined,
    );
    // New connections are refused from now on; this one is still served.
    expect(await readiness(api)).toBeNull();
    socket.write("GET /readyz HTTP/1.1\r\nHost: api\r\n\r\n");

    await release();
    expect(await api.exited).toBe(0);
    socket.destroy();

    const responses = received.split(/(?=HTTP\/1\.1 )/);
    expect(responses[0]).toMatch(/^HTTP\/1\.1 200/);
    expect(responses[0]).toContain("Renamed during shutdown");
    expect(responses[1]).toMatch(/^HTTP\/1\.1 503/);
    expect(responses[1]).toContain('{"status":"draining"}');
    expect(api.output()).toContain('"msg":"stopped"');
    const [user] = await database.handle.sql`select name from users where id = 3`;
    expect(user?.name).toBe("Renamed during shutdown");
  });
});

describe("secrets in the logs of the real entry point", () => {
  it("logs no password, session token or API key, at debug level", async () => {
    const api = await startApi({ MIGRATE_ON_START: "false", LOG_LEVEL: "debug" });
    await readyzSays(api, "ready");
    const origin = "http://localhost:3000";
    const post = (procedure: string, input: unknown, headers: Record<string, string> = {}) =>
      fetch(`${api.origin}/trpc/${procedure}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin, ...headers },
        body: JSON.stringify(input),
      });
    const tokenOf = (res: Response) => res.headers.getSetCookie()[0]!.split(";")[0]!.split("=")[1]!;

    const password = "a-secret-passphrase-7f3a";
    const signUp = await post("auth.signUp", {
      name: "Secret Sam",
      email: "secret.sam@example.com",
      password,
    });
    expect(signUp.status).toBe(200);
    const wrong = await post("auth.signIn", {
      email: "admin@brisk.dev",
      password: "a-wrong-guess-91c2",
    });
    expect(wrong.status).toBe(401);
    const admin = await post("auth.signIn", { email: "admin@brisk.dev", password: DEMO_PASSWORD });
    expect(admin.status).toBe(200);
    const session = tokenOf(admin);
    const created = await post(
      "apiKeys.create",
      { name: "logged?", role: "admin" },
      { cookie: `brisk_session=${session}` },
    );
    expect(created.status).toBe(200);
    const { token: apiKey } = ((await created.json()) as { result: { data: { token: string } } })
      .result.data;
    const used = await fetch(
      `${api.origin}/trpc/users.byId?input=${encodeURIComponent('{"id":1}')}`,
      {
        headers: { authorization: `Bearer ${apiKey}` },
      },
    );
    expect(used.status).toBe(200);

    api.child.kill("SIGTERM");
    expect(await api.exited).toBe(0);
    const output = api.output();
    expect(output).toContain('"path":"/trpc/apiKeys.create"');
    for (const secret of [
      password,
      "a-wrong-guess-91c2",
      DEMO_PASSWORD,
      session,
      apiKey,
      tokenOf(signUp),
    ]) {
      expect(output).not.toContain(secret);
    }
  });
});
