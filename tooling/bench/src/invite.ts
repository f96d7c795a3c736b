import type { ChildProcess } from "node:child_process";
import { freePort } from "@brisk/db/embedded";
import { BENCH_PASSWORD } from "@brisk/db/seed";
import postgres from "postgres";
import { type createHarness, type LoadSpec, root, stop, tsx } from "./harness";
import { benchEmail, SIGN_IN_PATH } from "./workloads";

/**
 * What W4 needs besides load: the local Inngest executor beside the api, an admin API key,
 * and, once the load has stopped, the invitation emails found in the mailbox (the `emails`
 * table) and timed against the invitations' commits.
 */

/** How long the executor may take to mail every invitation W4 made, after the load stops. */
export const DRAIN_DEADLINE_MS = 180_000;

/** The warm-up's and the measured run's invitees in their own tags: never the same email. */
export function inPhase<T extends Omit<LoadSpec, "seconds">>(spec: T, phase: "warmup" | "run"): T {
  return spec.invite
    ? { ...spec, invite: { ...spec.invite, tag: `${spec.invite.tag}-${phase}` } }
    : spec;
}

async function ok(response: Response, what: string) {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

/**
 * The executor as `pnpm executor` runs it, on a free port and the bench's database; resolves
 * once it answers /health.
 */
export async function startExecutor(
  harness: ReturnType<typeof createHarness>,
  databaseUrl: string,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = harness.spawn(
    process.execPath,
    ["--import", tsx, "tooling/inngest-executor/src/cli.ts", "--port", String(port)],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the executor exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop(child);
  throw new Error("the executor did not answer /health");
}

/** Registers the api's functions with the executor, as `pnpm executor --sync` does. */
export async function syncApi(base: string) {
  await ok(await fetch(`${base}/api/inngest`, { method: "PUT" }), "syncing the api's functions");
}

/**
 * An admin API key, made as a person would: a bench admin (every thousandth bench user, the
 * first among them) signs in and creates it from the dashboard's origin.
 */
export async function adminApiKey(base: string, dashboardOrigin: string): Promise<string> {
  const signIn = await ok(
    await fetch(base + SIGN_IN_PATH, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: benchEmail(1), password: BENCH_PASSWORD }),
    }),
    `signing in ${benchEmail(1)}`,
  );
  const { result } = (await signIn.json()) as { result: { data: { role: string } } };
  if (result.data.role !== "admin") throw new Error(`${benchEmail(1)} is not an admin`);
  const cookie = signIn.headers.getSetCookie()[0]?.split(";")[0];
  if (!cookie) throw new Error(`signing in ${benchEmail(1)} set no cookie`);
  const created = await ok(
    await fetch(`${base}/trpc/apiKeys.create`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: dashboardOrigin },
      body: JSON.stringify({ name: "pnpm bench W4", role: "admin" }),
    }),
    "creating an admin API key",
  );
  return ((await created.json()) as { result: { data: { token: string } } }).result.data.token;
}

/** W4's invitations whose email is not in the mailbox yet; `tag` as in `inviteEmail`. */
async function unsent(sql: postgres.Sql, tag: string) {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n
    from invitations i join users u on u.id = i.user_id
    where u.email like ${`w4-${tag}-%`}
      and not exists (
        select 1 from emails e
        where e.idempotency_key = 'invitation:' || i.id and e.status = 'sent')`;
  return row!.n;
}

/** Polls until every invitation tagged `tag` has its email or `deadlineMs` ran out; what is left. */
async function waitForMail(sql: postgres.Sql, tag: string, deadlineMs: number) {
  const deadline = Date.now() + deadlineMs;
  let pending = await unsent(sql, tag);
  while (pending > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    pending = await unsent(sql, tag);
  }
  return pending;
}

export interface CommitToEmail {
  emails: number;
  p50_ms: number | null;
  p99_ms: number | null;
}

/**
 * Invitation row written → email row written, ms, for the invitees whose email starts with
 * `prefix`. `created_at` and `sent_at` are both Postgres's `now()`, the start of their
 * transaction: the invitation's is `users.invite`'s, a few statements before its commit; the
 * email's is the job's, which commits right after recording it.
 */
async function commitToEmail(sql: postgres.Sql, prefix: string): Promise<CommitToEmail> {
  const [latency] = await sql<{ emails: number; p50: number | null; p99: number | null }[]>`
    select count(*)::int as emails,
      percentile_cont(0.5) within group (order by ms) as p50,
      percentile_cont(0.99) within group (order by ms) as p99
    from (
      select (extract(epoch from e.sent_at - i.created_at) * 1000)::float8 as ms
      from invitations i
      join users u on u.id = i.user_id
      join emails e on e.idempotency_key = 'invitation:' || i.id and e.status = 'sent'
      where u.email like ${`${prefix}%`}
    ) mailed`;
  const round = (ms: number | null) => (ms === null ? null : Math.round(ms));
  return {
    emails: latency?.emails ?? 0,
    p50_ms: round(latency?.p50 ?? null),
    p99_ms: round(latency?.p99 ?? null),
  };
}

export interface InviteMail {
  /** Invitations (warm-up and run) without their email when the load stopped. */
  pendingAtLoadEnd: number;
  /** Still without it when DRAIN_DEADLINE_MS ran out (0: all mailed). */
  pendingAtDeadline: number;
  /** From the load's end to the last email recorded, and emails recorded per second then. */
  drainSeconds: number;
  drainPerSecond: number | null;
  /** The measured run's invitations: invitation row written → email row written, ms. */
  commitToEmail: CommitToEmail;
}

/**
 * The burst: waits, up to DRAIN_DEADLINE_MS, for every invitation tagged `tag` to have its
 * email sent, then measures from the mailbox how fast the backlog drained and how long the
 * measured run's invitations waited for their email.
 */
export async function measureInviteMail(databaseUrl: string, tag: string): Promise<InviteMail> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [{ loadEnd }] = (await sql`select clock_timestamp() as "loadEnd"`) as unknown as [
      { loadEnd: Date },
    ];
    const pendingAtLoadEnd = await unsent(sql, tag);
    const pending = await waitForMail(sql, tag, DRAIN_DEADLINE_MS);
    const [drain] = await sql<{ mailed: number; seconds: number | null }[]>`
      select count(*)::int as mailed,
        extract(epoch from max(e.sent_at) - ${loadEnd}::timestamptz)::float8 as seconds
      from emails e
      join invitations i on e.idempotency_key = 'invitation:' || i.id
      join users u on u.id = i.user_id
      where u.email like ${`w4-${tag}-%`} and e.status = 'sent' and e.sent_at > ${loadEnd}`;
    const drainSeconds = Math.max(0, drain?.seconds ?? 0);
    return {
      pendingAtLoadEnd,
      pendingAtDeadline: pending,
      drainSeconds: Math.round(drainSeconds * 10) / 10,
      drainPerSecond:
        drain && drain.mailed > 0 && drainSeconds > 0
          ? Math.round(drain.mailed / drainSeconds)
          : null,
      commitToEmail: await commitToEmail(sql, `w4-${tag}-run-`),
    };
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/**
 * W4's paced phase: invitations at a rate the executor keeps up with, on an empty backlog, so
 * commit → email is what one invitation costs rather than its place in a queue.
 */
export const PACED = { rate: 20, seconds: 10, connections: 4, deadlineMs: 60_000 } as const;

export interface PacedMail {
  rate: number;
  seconds: number;
  /** Invitations the paced load made, and those still without their email at the deadline. */
  invitations: number;
  pendingAtDeadline: number;
  commitToEmail: CommitToEmail;
}

/** After the paced load: waits up to PACED.deadlineMs for its emails, then times them. */
export async function measurePacedMail(databaseUrl: string, tag: string): Promise<PacedMail> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const pendingAtDeadline = await waitForMail(sql, tag, PACED.deadlineMs);
    const [made] = await sql<{ n: number }[]>`
      select count(*)::int as n from invitations i join users u on u.id = i.user_id
      where u.email like ${`w4-${tag}-%`}`;
    return {
      rate: PACED.rate,
      seconds: PACED.seconds,
      invitations: made?.n ?? 0,
      pendingAtDeadline,
      commitToEmail: await commitToEmail(sql, `w4-${tag}-`),
    };
  } finally {
    await sql.end({ timeout: 1 });
  }
}
