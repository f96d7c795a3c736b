import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@brisk/db/embedded";
import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { type LocalExecutor, spawnLocalExecutor } from "@brisk/jobs/testing";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

/**
 * Faults on the job path, with every part a real process: the api's entry point, the local
 * executor's CLI, and an SMTP server. The welcome email's step is held at the SMTP server's
 * MAIL FROM while a process is killed, so the kill lands mid-step every time.
 */
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });
const here = path.dirname(fileURLToPath(import.meta.url));
const main = path.join(here, "main.ts");
const root = path.resolve(here, "../../..");
const tsx = createRequire(import.meta.url).resolve("tsx");
const database = useTestDatabase();
const INVITATION_FN = "brisk-send-invitation-email";

/** Opens when `open()` is called; what waits on it meanwhile is held. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Messages accepted (250 after DATA) by recipient, and senders held at MAIL FROM. */
const smtp = { accepted: [] as string[], held: 0, gate: gate(), port: 0 };
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onMailFrom(_address, _session, callback) {
    smtp.held++;
    void smtp.gate.opened.then(() => callback());
  },
  onData(stream, session, callback) {
    stream.resume();
    stream.on("end", () => {
      smtp.accepted.push(...session.envelope.rcptTo.map((r) => r.address));
      callback();
    });
  },
});

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<unknown>;
}
const started: Started[] = [];

function start(command: string, args: string[], env: Record<string, string>): Started {
  // Its own process group, so a kill reaches pnpm's child too.
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const process_ = { child, output: () => log, exited };
  started.push(process_);
  return process_;
}

async function kill(target: Started) {
  try {
    process.kill(-target.child.pid!, "SIGKILL");
  } catch {}
  await target.exited;
}

let apiPort: number;
let executorPort: number;
const apiUrl = () => `http://127.0.0.1:${apiPort}`;
const executorUrl = () => `http://127.0.0.1:${executorPort}`;

function startApi() {
  return start(process.execPath, ["--import", tsx, main], {
    DATABASE_URL: database.url,
    PORT: String(apiPort),
    METRICS_PORT: "0",
    NODE_ENV: "development",
    LOG_LEVEL: "info",
    DB_POOL_WARM: "2",
    INNGEST_DEV: executorUrl(),
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    DASHBOARD_ORIGINS: "http://localhost:3000",
  });
}

function startExecutor() {
  return spawnLocalExecutor({
    databaseUrl: database.url,
    port: executorPort,
    // Five attempts 8 s apart: time enough for a killed api to come back on a loaded machine.
    backoffMs: 8000,
    sync: `${apiUrl()}/api/inngest`,
  });
}

async function until<T>(what: string, read: () => Promise<T | undefined> | T | undefined) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const value = await Promise.resolve()
      .then(read)
      .catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const logs = [...started, executor].map((s) => s?.output().slice(-3000)).join("\n---\n");
      throw new Error(`timed out waiting for ${what}\n${logs}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const ready = () =>
  until("the api to be ready", async () => (await fetch(`${apiUrl()}/readyz`)).ok || undefined);

async function mutate(procedure: string, input: unknown, cookie = "") {
  const response = await fetch(`${apiUrl()}/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://localhost:3000", cookie },
    body: JSON.stringify(input),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return response;
}

const signUp = (name: string, email: string) =>
  mutate("auth.signUp", { name, email, password: "a fine passphrase" });

interface Run {
  id: string;
  status: string;
  event: { data: { userId?: number } };
  steps: { name: string | null; status: string; attempts: number }[];
}

/** The executor's runs of a function for this address's user, newest first. */
async function runsFor(email: string, fn = "brisk-send-welcome-email") {
  const [user] = await database.handle.sql`select id from users where email = ${email}`;
  const response = await fetch(`${executorUrl()}/v1/runs?function=${fn}&limit=50`);
  const { runs } = (await response.json()) as { runs: { id: string }[] };
  const detailed = await Promise.all(
    runs.map(async ({ id }) => {
      const detail = await fetch(`${executorUrl()}/v1/runs/${id}`);
      return ((await detail.json()) as { run: Run }).run;
    }),
  );
  return detailed.filter((run) => run.event.data.userId === user?.id);
}

const emailRows = (to: string, kind = "welcome") =>
  database.handle.sql`select status from emails where "to" = ${to} and kind = ${kind}`;

let api: Started;
let executor: LocalExecutor;

beforeAll(async () => {
  await seed(database.handle.sql, { users: 1, postsPerUser: 0, demo: true });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  smtp.port = (server.server.address() as AddressInfo).port;
  [apiPort, executorPort] = await Promise.all([freePort(), freePort()]);
  api = startApi();
  executor = startExecutor();
  await ready();
  // An event the executor receives before the app's functions are synced starts no run.
  await until("the executor to sync the api", () =>
    executor.output().includes(`synced ${apiUrl()}`) ? true : undefined,
  );
});

afterEach(() => {
  smtp.gate.open();
});

afterAll(async () => {
  await Promise.all([...started.map(kill), executor?.kill()]);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("faults on the job path", () => {
  it("an executor killed mid-run resumes it on restart, and the email goes out once", async () => {
    smtp.gate = gate();
    const held = smtp.held;
    await signUp("Killed Executor", "killed.executor@example.com");
    await until("the welcome step to reach the SMTP server", () => smtp.held > held || undefined);

    await executor.kill();
    // The step finishes in the api while no executor hears its answer.
    smtp.gate.open();
    await until("the email to be accepted", () =>
      smtp.accepted.includes("killed.executor@example.com") ? true : undefined,
    );
    executor = startExecutor();

    const [run] = await until("the run to complete after the restart", async () => {
      const runs = await runsFor("killed.executor@example.com");
      return runs[0]?.status === "completed" ? runs : undefined;
    });
    expect(run).toBeDefined();
    // The resumed run sent its step again; the email's key made that send a duplicate.
    expect(smtp.accepted.filter((to) => to === "killed.executor@example.com")).toHaveLength(1);
    expect(await emailRows("killed.executor@example.com")).toEqual([{ status: "sent" }]);
  });

  it("an api killed mid-step gets the step retried once it is back, and one email", async () => {
    smtp.gate = gate();
    const held = smtp.held;
    await signUp("Killed Api", "killed.api@example.com");
    await until("the welcome step to reach the SMTP server", () => smtp.held > held || undefined);

    await kill(api);
    // The killed api's SMTP session dies before MAIL FROM is answered: nothing was accepted.
    smtp.gate.open();
    api = startApi();
    await ready();

    const run = await until("the run to complete on a later attempt", async () => {
      const [latest] = await runsFor("killed.api@example.com");
      return latest?.status === "completed" ? latest : undefined;
    });
    expect(run.steps).toEqual([
      expect.objectContaining({ name: "send", status: "completed", attempts: 2 }),
    ]);
    expect(smtp.accepted.filter((to) => to === "killed.api@example.com")).toHaveLength(1);
    expect(await emailRows("killed.api@example.com")).toEqual([{ status: "sent" }]);
  });

  it("one admin's burst of invitations takes five slots, and a member's welcome email is not held behind it", async () => {
    smtp.gate = gate();
    const held = smtp.held;
    const signIn = await mutate("auth.signIn", {
      email: "admin@brisk.dev",
      password: "brisk-demo",
    });
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const invitees = Array.from({ length: 7 }, (_, i) => `burst.${i}@example.com`);
    for (const [i, email] of invitees.entries()) {
      await mutate("users.invite", { name: `Burst ${i}`, email }, cookie);
    }
    await until("five invitation steps at the SMTP server", () =>
      smtp.held === held + 5 ? true : undefined,
    );

    await signUp("Not Starved", "not.starved@example.com");
    await until("the welcome step beside the burst", () =>
      smtp.held === held + 6 ? true : undefined,
    );
    // Five slots stay taken while the gate is shut: two invitations still wait their turn.
    const waiting = await Promise.all(invitees.map((email) => runsFor(email, INVITATION_FN)));
    expect(waiting.filter(([run]) => run?.status === "queued")).toHaveLength(2);

    smtp.gate.open();
    for (const email of invitees) {
      await until(`the invitation to ${email}`, async () => {
        const [run] = await runsFor(email, INVITATION_FN);
        return run?.status === "completed" ? run : undefined;
      });
      expect(await emailRows(email, "invitation")).toEqual([{ status: "sent" }]);
    }
    expect(smtp.accepted.filter((to) => to.startsWith("burst."))).toHaveLength(7);
  });
});
