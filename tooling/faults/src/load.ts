import { DEMO_PASSWORD } from "@brisk/db/seed";
import { Agent, request } from "undici";

/** What the mixed load sends: the dashboard's everyday traffic in proportion. */
export type Operation = "read" | "list" | "write" | "sign-in" | "report" | "invite" | "snapshot";

export interface Outcome {
  op: Operation;
  /** HTTP status; 0 when no answer came (connection refused or reset, or the client's timeout). */
  status: number;
  ms: number;
  /** When it was sent, in ms since the load started. */
  at: number;
  retryAfter?: string | undefined;
  /**
   * A write's title or an invitation's email, unique in the run: how the database and the
   * mailbox are checked against what clients saw.
   */
  title?: string | undefined;
  error?: string | undefined;
  /** A refused write's fate as the api tells it: saved (only the answer failed) or unknown. */
  writeOutcome?: "saved" | "unknown" | undefined;
}

export interface MixedLoadOptions {
  url: string;
  /** A signed-in admin's session token, sent as a bearer token by writes and report orders. */
  token: string;
  connections: number;
  /** Names this run's writes (`<tag>-<n>`) so the database can be checked afterwards. */
  tag: string;
  /** Users 1..users exist (the seed's). */
  users: number;
  /** The client gives up on a request after this long (it then counts as unanswered). */
  timeoutMs?: number;
  /** Weights per operation; a sign-in hashes a password (CPU-heavy), so few of them. */
  mix?: Partial<Record<Operation, number>>;
  /** Pause between one connection's requests, to pace a long run below saturation. */
  thinkMs?: number;
}

/**
 * The sign-ins' weight in the fault tests' mixes: about one a second at their rates. Each
 * hashes a password (184 ms of a core, in threads niced below request work); more, on two
 * cores shared with every process of the stack, and the hashing queue would refuse some with
 * 503 busy, which is load shedding working, not the fault under test.
 */
export const SIGN_INS = 0.3;

const DEFAULT_MIX: Record<Operation, number> = {
  read: 60,
  list: 20,
  write: 15,
  "sign-in": 1,
  report: 2,
  invite: 0,
  snapshot: 0,
};

function writeOutcomeOf(text: string) {
  try {
    return (JSON.parse(text) as { error?: { data?: { outcome?: "saved" | "unknown" } } }).error
      ?.data?.outcome;
  } catch {
    return undefined;
  }
}

const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

/**
 * Closed-loop mixed load through the balancer: `connections` clients, each sending its next
 * request when the last is answered, every outcome recorded. `stop()` ends it and returns
 * them all: what clients saw, to be checked against what the database holds.
 */
export function startMixedLoad(options: MixedLoadOptions) {
  const mix = { ...DEFAULT_MIX, ...options.mix };
  const ops = Object.entries(mix) as [Operation, number][];
  const totalWeight = ops.reduce((sum, [, w]) => sum + w, 0);
  const pick = (): Operation => {
    let r = Math.random() * totalWeight;
    for (const [op, w] of ops) {
      r -= w;
      if (r < 0) return op;
    }
    return "read";
  };
  const dispatcher = new Agent({ connections: options.connections, pipelining: 1 });
  const outcomes: Outcome[] = [];
  const started = performance.now();
  const auth = { authorization: `Bearer ${options.token}` };
  const json = { "content-type": "application/json" };
  const randomUser = () => 1 + Math.floor(Math.random() * options.users);
  let written = 0;
  let invited = 0;
  let running = true;

  function describe(op: Operation): {
    method: "GET" | "POST";
    path: string;
    body?: string;
    title?: string;
    headers: Record<string, string>;
  } {
    switch (op) {
      case "read":
        return {
          method: "GET",
          path: `/trpc/users.byId?input=${input({ id: randomUser() })}`,
          headers: {},
        };
      case "list":
        return {
          method: "GET",
          path: `/trpc/posts.list?input=${input({ authorId: randomUser() })}`,
          headers: {},
        };
      case "write": {
        const title = `${options.tag}-${++written}`;
        return {
          method: "POST",
          path: "/trpc/posts.create",
          body: JSON.stringify({ title, body: "Written under load.", status: "published" }),
          title,
          headers: { ...json, ...auth },
        };
      }
      case "sign-in":
        return {
          method: "POST",
          path: "/trpc/auth.signIn",
          body: JSON.stringify({ email: "member@brisk.dev", password: DEMO_PASSWORD }),
          headers: json,
        };
      case "invite": {
        const email = `${options.tag}-${++invited}@invited.faults.test`;
        return {
          method: "POST",
          path: "/trpc/users.invite",
          body: JSON.stringify({ name: `Invited ${invited}`, email }),
          title: email,
          headers: { ...json, ...auth },
        };
      }
      case "snapshot":
        return {
          method: "GET",
          path: `/trpc/reports.snapshot?input=${input({ authorId: randomUser() })}`,
          headers: auth,
        };
      case "report":
        return {
          method: "POST",
          path: "/trpc/reports.order",
          body: JSON.stringify({ scope: "author", authorId: randomUser() }),
          headers: { ...json, ...auth },
        };
    }
  }

  async function client() {
    while (running) {
      const op = pick();
      const call = describe(op);
      const at = performance.now();
      const outcome: Outcome = { op, status: 0, ms: 0, at: at - started, title: call.title };
      try {
        const res = await request(`${options.url}${call.path}`, {
          method: call.method,
          headers: call.headers,
          body: call.body,
          dispatcher,
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        });
        const text = await res.body.text();
        outcome.status = res.statusCode;
        if (res.statusCode >= 400) {
          outcome.error = text.slice(0, 300);
          outcome.writeOutcome = writeOutcomeOf(text);
        }
        const retryAfter = res.headers["retry-after"];
        outcome.retryAfter = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
      } catch (error) {
        outcome.error = (error as Error).message;
      }
      outcome.ms = performance.now() - at;
      outcomes.push(outcome);
      if (options.thinkMs) await new Promise((resolve) => setTimeout(resolve, options.thinkMs));
    }
  }

  const clients = Array.from({ length: options.connections }, client);
  return {
    outcomes,
    /** Outcomes so far that are not a success (2xx). */
    failures: () => outcomes.filter((o) => o.status < 200 || o.status >= 300),
    async stop() {
      running = false;
      await Promise.all(clients);
      await dispatcher.close();
      return outcomes;
    },
  };
}

export type MixedLoad = ReturnType<typeof startMixedLoad>;

/** Counts of outcomes by operation and status, for failure messages and notes. */
export function tally(outcomes: Outcome[]) {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = `${o.op} ${o.status || `no answer (${o.error ?? "?"})`}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * Checks the database against what clients were told about their writes: every write answered
 * 200 (or "saved", only its answer lost) is there exactly once, and every write refused is not
 * there. A write with no answer, or one the api said may or may not have landed (the database
 * went away with its COMMIT unanswered), is only counted.
 */
export async function checkWrites(sql: import("postgres").Sql, tag: string, outcomes: Outcome[]) {
  const rows = await sql<{ title: string; n: number }[]>`
    select title, count(*)::int as n from posts where title like ${`${tag}-%`} group by title`;
  const landed = new Map(rows.map((r) => [r.title, r.n]));
  const writes = outcomes.filter((o) => o.op === "write");
  const done = writes.filter((o) => o.status === 200 || o.writeOutcome === "saved");
  const unknown = writes.filter((o) => o.status === 0 || o.writeOutcome === "unknown");
  const refused = writes.filter((o) => !done.includes(o) && !unknown.includes(o));
  return {
    done: done.length,
    refused: refused.length,
    unknown: unknown.length,
    missing: done.filter((o) => landed.get(o.title!) !== 1),
    refusedButLanded: refused.filter((o) => landed.has(o.title!)),
  };
}
