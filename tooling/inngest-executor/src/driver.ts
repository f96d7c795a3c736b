import type postgres from "postgres";
import { z } from "zod";
import {
  completeRun,
  type EventPayload,
  enqueue,
  FUNCTION_INVOKED,
  failRun,
  jobOrder,
  json,
  type Log,
  newEvent,
  type Parent,
  remember,
  resolveWait,
  type Tx,
  triggerFunctions,
} from "./runs";
import { SCHEMA } from "./schema";
import { type Backoff, resolveTime, retryAfterMs } from "./timing";

/** The execution protocol version the SDK prefers (ExecutionVersion.V2). */
const EXECUTION_VERSION = 2;
const MAX_IN_FLIGHT = 16;
const CANDIDATES = 50;

interface Job {
  id: string;
  run_id: string;
  step_id: string | null;
  attempt: number;
  resolve: { type: "sleep" | "wait-timeout" } | null;
  function_id: string;
  event: EventPayload;
  max_attempts: number;
  disable_immediate: boolean;
  parent: Parent | null;
  concurrency: { limit: number; key: string }[];
  step_url: string | null;
  /** The run's stack and finished steps when the job was leased (null for a timer). */
  stack: string[] | null;
  steps: { step_id: string; status: string; data: unknown; error: unknown }[] | null;
}

const opSchema = z.looseObject({
  op: z.string(),
  id: z.string().min(1).max(500),
  name: z.string().max(1_000).optional(),
  displayName: z.string().max(1_000).optional(),
  opts: z.record(z.string(), z.unknown()).optional(),
  data: z.unknown().optional(),
  error: z.unknown().optional(),
});
type Op = z.infer<typeof opSchema>;

const invokeOptsSchema = z.looseObject({
  function_id: z.string().min(1).max(300),
  payload: z.looseObject({ data: z.record(z.string(), z.unknown()).optional() }).optional(),
  timeout: z.string().max(100).optional(),
});
const waitOptsSchema = z.looseObject({
  timeout: z.string().max(100).optional(),
  if: z.string().max(1_000).optional(),
});

type Outcome =
  | { kind: "completed"; output: unknown }
  | { kind: "redundant" }
  | { kind: "ops"; ops: Op[]; noRetry: boolean; retryAfter: number | null }
  | { kind: "error"; error: unknown; noRetry: boolean; retryAfter: number | null };

export interface DriverOptions {
  sql: postgres.Sql;
  backoff: Backoff;
  pollIntervalMs: number;
  log: Log;
}

/**
 * Leases due jobs (a run's next request to the app) honouring concurrency limits, in Inngest's
 * order (the run's start, less its priority), calls the function's step URL and applies its answer in
 * one transaction, so that whatever the app answered is either fully recorded or not at all.
 */
export function createDriver({ sql, backoff, pollIntervalMs, log }: DriverOptions) {
  let stopped = true;
  let pumping = false;
  let pumpAgain = false;
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();
  let abort = new AbortController();

  /** Requests to the app in flight per concurrency key, and each key's limit. */
  const used = new Map<string, number>();
  const limits = new Map<string, number>();
  const saturated = () =>
    [...used].flatMap(([key, n]) => (n >= (limits.get(key) ?? 0) ? [key] : []));

  /**
   * Leases up to `room` due jobs in score order. Groups at their limit are left out of the
   * scan, so a backlog held back by one key does not hide other work; timers only write to the
   * database and take no slot. `more`: a group filled up while choosing, so work of other
   * groups may lie past these candidates.
   */
  async function claim(room: number): Promise<{ jobs: Job[]; more: boolean }> {
    const candidates = await sql<
      { id: string; timer: boolean; concurrency: { limit: number; key: string }[] }[]
    >`
      select j.id, j.resolve is not null as timer, r.concurrency
      from ${sql(SCHEMA)}.jobs j join ${sql(SCHEMA)}.runs r on r.id = j.run_id
      where j.leased_at is null and j.available_at <= now()
        and (j.resolve is not null or not (j.concurrency_keys && ${saturated()}::text[]))
      order by j.score, j.id
      limit ${room + CANDIDATES}`;
    const taken = new Map<string, number>();
    let more = false;
    const chosen: string[] = [];
    for (const candidate of candidates) {
      if (chosen.length === room) break;
      const free =
        candidate.timer ||
        candidate.concurrency.every(
          ({ key, limit }) => (used.get(key) ?? 0) + (taken.get(key) ?? 0) < limit,
        );
      if (!free) {
        more = true;
        continue;
      }
      if (!candidate.timer) {
        for (const { key } of candidate.concurrency) taken.set(key, (taken.get(key) ?? 0) + 1);
      }
      chosen.push(candidate.id);
    }
    if (chosen.length === 0) return { jobs: [], more };
    // The lease is the `leased_at is null` check and set in one statement, so no transaction
    // is needed; one statement is also one snapshot: a memoized step missing from the stack
    // makes the SDK wait forever.
    const jobs = await sql<Job[]>`
      with leased as (
        update ${sql(SCHEMA)}.jobs set leased_at = now()
        where id = any(${chosen}::bigint[]) and leased_at is null
        returning id, run_id, step_id, attempt, resolve),
      started as (
        update ${sql(SCHEMA)}.runs set status = 'running', started_at = coalesce(started_at, now())
        where id in (select run_id from leased) and status = 'queued')
      select j.id, j.run_id, j.step_id, j.attempt, j.resolve, r.function_id, r.event, r.max_attempts,
             r.disable_immediate, r.parent, r.concurrency, f.step_url,
             case when j.resolve is null then r.stack end as stack,
             case when j.resolve is null then coalesce(
               (select json_agg(json_build_object('step_id', s.step_id, 'status', s.status, 'data', s.data, 'error', s.error))
                from ${sql(SCHEMA)}.steps s where s.run_id = r.id and s.completed), '[]') end as steps
      from leased j join ${sql(SCHEMA)}.runs r on r.id = j.run_id
      left join ${sql(SCHEMA)}.functions f on f.id = r.function_id`;
    // Started in score order.
    const order = new Map(chosen.map((id, index) => [id, index]));
    return {
      jobs: [...jobs].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0)),
      more,
    };
  }

  async function call(job: Job, signal: AbortSignal): Promise<Outcome> {
    if (!job.step_url) {
      return {
        kind: "error",
        error: { name: "Error", message: `function ${job.function_id} is not synced` },
        noRetry: false,
        retryAfter: null,
      };
    }
    const memo = Object.fromEntries(
      (job.steps ?? []).map((step) => [
        step.step_id,
        step.status === "failed" ? { error: step.error } : { data: step.data },
      ]),
    );
    // A planned step another request already finished: asking the SDK for it would only time out.
    if (job.step_id && job.step_id in memo) return { kind: "redundant" };
    const stack = (job.stack ?? []).filter((id) => id in memo);
    const url = new URL(job.step_url);
    url.searchParams.set("stepId", job.step_id ?? "step");
    const body = {
      event: job.event,
      events: [job.event],
      steps: memo,
      ctx: {
        run_id: job.run_id,
        attempt: job.attempt,
        max_attempts: job.max_attempts,
        disable_immediate_execution: job.disable_immediate,
        use_api: false,
        stack: { stack, current: Math.max(0, stack.length - 1) },
      },
      version: EXECUTION_VERSION,
    };
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      return { kind: "error", error: serializeError(error), noRetry: false, retryAfter: null };
    }
    const text = await response.text();
    const parsed = parseJson(text);
    const noRetry = response.headers.get("x-inngest-no-retry") === "true";
    const retryAfter = retryAfterMs(response.headers.get("retry-after"), Date.now());
    if (response.status === 200) return { kind: "completed", output: parsed ?? null };
    if (response.status === 206) {
      const ops = z.array(opSchema).safeParse(Array.isArray(parsed) ? parsed : [parsed]);
      if (ops.success) return { kind: "ops", ops: ops.data, noRetry, retryAfter };
      return {
        kind: "error",
        error: { name: "Error", message: `unreadable ops from the app: ${text.slice(0, 200)}` },
        noRetry: false,
        retryAfter,
      };
    }
    return {
      kind: "error",
      error: parsed ?? { name: "Error", message: `HTTP ${response.status}: ${text.slice(0, 500)}` },
      noRetry,
      retryAfter,
    };
  }

  async function settleTimer(job: Job) {
    await sql.begin(async (tx) => {
      const [own] = await tx`delete from ${tx(SCHEMA)}.jobs where id = ${job.id} returning id`;
      if (!own || !job.step_id) return;
      if (job.resolve?.type === "sleep") {
        await remember(tx, job.run_id, job.step_id, { data: null }, { op: "Sleep" });
        await enqueue(tx, { runId: job.run_id, stepId: null });
        return;
      }
      const [wait] = await tx<{ kind: string }[]>`
        select kind from ${tx(SCHEMA)}.waits where run_id = ${job.run_id} and step_id = ${job.step_id}`;
      if (!wait) return;
      await resolveWait(
        tx,
        job.run_id,
        job.step_id,
        wait.kind === "event"
          ? { data: null }
          : {
              error: {
                name: "InngestInvokeTimeoutError",
                message: "Timed out waiting for the invoked function",
              },
            },
      );
    });
  }

  async function scheduleRetry(
    tx: Tx,
    job: Job,
    stepId: string | null,
    error: unknown,
    retryAfter: number | null,
    name: string | null = null,
  ) {
    const attempt = job.attempt + 1;
    await enqueue(tx, {
      runId: job.run_id,
      stepId,
      attempt,
      delayMs: retryAfter ?? backoff(job.attempt),
    });
    if (stepId) {
      await tx`
        insert into ${tx(SCHEMA)}.steps as existing (run_id, step_id, name, op, status, error, attempts)
        values (${job.run_id}, ${stepId}, ${name}, 'StepRun', 'errored', ${json(tx, error ?? null)}, ${attempt})
        on conflict (run_id, step_id) do update set name = coalesce(excluded.name, existing.name),
          status = 'errored', error = excluded.error, attempts = excluded.attempts`;
    }
  }

  async function applyOp(
    tx: Tx,
    job: Job,
    op: Op,
    outcome: Extract<Outcome, { kind: "ops" }>,
    startedAt: Date,
  ) {
    const name = op.displayName ?? op.name ?? null;
    const runId = job.run_id;
    switch (op.op) {
      case "StepRun":
      case "Step":
        await remember(
          tx,
          runId,
          op.id,
          { data: op.data ?? null },
          { op: op.op, name, attempts: job.attempt + 1, startedAt },
        );
        return true;
      case "StepFailed":
        await remember(
          tx,
          runId,
          op.id,
          { error: op.error ?? null },
          { op: op.op, name, attempts: job.attempt + 1, startedAt },
        );
        return true;
      case "StepError":
        if (outcome.noRetry || job.attempt + 1 >= job.max_attempts) {
          await remember(
            tx,
            runId,
            op.id,
            { error: op.error ?? null },
            { op: op.op, name, attempts: job.attempt + 1, startedAt },
          );
          return true;
        }
        await scheduleRetry(tx, job, op.id, op.error, outcome.retryAfter, name);
        return false;
      case "StepPlanned":
        await tx`update ${tx(SCHEMA)}.runs set disable_immediate = true where id = ${runId}`;
        await tx`
          insert into ${tx(SCHEMA)}.jobs (run_id, step_id, score, concurrency_keys)
          select ${runId}, ${op.id}, ${jobOrder(tx)}
          from ${tx(SCHEMA)}.runs r where r.id = ${runId} and not exists (
            select 1 from ${tx(SCHEMA)}.steps where run_id = ${runId} and step_id = ${op.id} and completed)
          on conflict (run_id, coalesce(step_id, '')) do nothing`;
        return false;
      case "Sleep": {
        const wakeAt = resolveTime(op.name ?? "", Date.now());
        if (wakeAt === null)
          throw new ProtocolError(`unreadable sleep duration ${JSON.stringify(op.name)}`);
        await markWaiting(tx, runId, op, "sleeping");
        await enqueue(tx, {
          runId,
          stepId: op.id,
          delayMs: wakeAt - Date.now(),
          resolve: { type: "sleep" },
        });
        return false;
      }
      case "WaitForEvent": {
        const opts = waitOptsSchema.parse(op.opts ?? {});
        const expiresAt = opts.timeout ? resolveTime(opts.timeout, Date.now()) : null;
        await markWaiting(tx, runId, op, "waiting");
        await tx`
          insert into ${tx(SCHEMA)}.waits (run_id, step_id, kind, event_name, expression, expires_at)
          values (${runId}, ${op.id}, 'event', ${op.name ?? ""}, ${opts.if ?? null},
                  ${expiresAt === null ? null : new Date(expiresAt)})
          on conflict do nothing`;
        if (expiresAt !== null) {
          await enqueue(tx, {
            runId,
            stepId: op.id,
            delayMs: expiresAt - Date.now(),
            resolve: { type: "wait-timeout" },
          });
        }
        return false;
      }
      case "InvokeFunction": {
        const opts = invokeOptsSchema.parse(op.opts ?? {});
        const expiresAt = opts.timeout ? resolveTime(opts.timeout, Date.now()) : null;
        await markWaiting(tx, runId, op, "waiting");
        const event = newEvent(FUNCTION_INVOKED, {
          ...opts.payload?.data,
          _inngest: { source_fn_id: job.function_id, source_run_id: runId, source_step_id: op.id },
        });
        const [childId] = await triggerFunctions(tx, event, () => {}, {
          function_id: opts.function_id,
          run_id: runId,
          step_id: op.id,
        });
        if (!childId) {
          await remember(
            tx,
            runId,
            op.id,
            { error: { name: "Error", message: `function ${opts.function_id} not found` } },
            { op: op.op, name },
          );
          return true;
        }
        await tx`
          insert into ${tx(SCHEMA)}.waits (run_id, step_id, kind, child_run_id, expires_at)
          values (${runId}, ${op.id}, 'invoke', ${childId}, ${expiresAt === null ? null : new Date(expiresAt)})
          on conflict do nothing`;
        if (expiresAt !== null) {
          await enqueue(tx, {
            runId,
            stepId: op.id,
            delayMs: expiresAt - Date.now(),
            resolve: { type: "wait-timeout" },
          });
        }
        return false;
      }
      case "RunComplete":
        return false;
      default:
        throw new ProtocolError(`the executor does not implement the ${op.op} op`);
    }
  }

  async function apply(job: Job, outcome: Outcome, startedAt: Date) {
    await sql.begin(async (tx) => {
      // The run's row first, as a cancel locks it, then the job's.
      const [run] = await tx`
        update ${tx(SCHEMA)}.runs set attempts = greatest(attempts, ${job.attempt + 1})
        where id = ${job.run_id} and status in ('queued', 'running') returning id`;
      const [own] = await tx<{ again: boolean }[]>`
        delete from ${tx(SCHEMA)}.jobs where id = ${job.id} returning again`;
      // Cancelled while the app worked, or a newer executor took the job over: drop the answer.
      if (!run || !own) return;
      const ending = {
        id: job.run_id,
        function_id: job.function_id,
        event: job.event,
        parent: job.parent,
      };
      if (outcome.kind === "redundant") {
        await enqueue(tx, { runId: job.run_id, stepId: null });
        return;
      }
      if (outcome.kind === "completed") {
        await completeRun(tx, ending, outcome.output);
        return;
      }
      if (outcome.kind === "error") {
        if (outcome.noRetry || job.attempt + 1 >= job.max_attempts) {
          await failRun(tx, ending, outcome.error, log);
        } else {
          await scheduleRetry(tx, job, job.step_id, outcome.error, outcome.retryAfter);
        }
        return;
      }
      let discover = own.again;
      try {
        for (const op of outcome.ops) {
          if (await applyOp(tx, job, op, outcome, startedAt)) discover = true;
        }
      } catch (error) {
        if (!(error instanceof ProtocolError || error instanceof z.ZodError)) throw error;
        await failRun(tx, ending, serializeError(error), log);
        return;
      }
      const complete = outcome.ops.find((op) => op.op === "RunComplete");
      if (complete) await completeRun(tx, ending, complete.data);
      else if (discover) await enqueue(tx, { runId: job.run_id, stepId: null });
    });
  }

  async function execute(job: Job) {
    const signal = abort.signal;
    try {
      if (job.resolve) {
        await settleTimer(job);
        return;
      }
      const startedAt = new Date();
      const outcome = await call(job, signal);
      if (signal.aborted) return;
      await apply(job, outcome, startedAt);
    } catch (error) {
      if (signal.aborted) return;
      log(`job ${job.id} of run ${job.run_id} failed in the executor: ${String(error)}`);
      await sql`
        update ${sql(SCHEMA)}.jobs set leased_at = null, available_at = now() + interval '1 second'
        where id = ${job.id}`.catch(() => {});
    }
  }

  function hold(job: Job) {
    if (job.resolve) return () => {};
    for (const { key, limit } of job.concurrency) {
      limits.set(key, limit);
      used.set(key, (used.get(key) ?? 0) + 1);
    }
    return () => {
      for (const { key } of job.concurrency) {
        const n = (used.get(key) ?? 1) - 1;
        if (n > 0) used.set(key, n);
        else used.delete(key);
      }
    };
  }

  async function pump() {
    if (stopped) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      while (!stopped && inFlight.size < MAX_IN_FLIGHT) {
        const room = MAX_IN_FLIGHT - inFlight.size;
        const { jobs, more } = await claim(room);
        if (stopped) break;
        for (const job of jobs) {
          const release = hold(job);
          const running = execute(job).finally(() => {
            release();
            inFlight.delete(running);
            void pump();
          });
          inFlight.add(running);
        }
        // Fewer than asked and nothing held back: every due job that could start has.
        if (jobs.length === 0 || (jobs.length < room && !more)) break;
      }
    } catch (error) {
      if (!stopped) log(`claiming work failed: ${String(error)}`);
    } finally {
      pumping = false;
      if (pumpAgain) {
        pumpAgain = false;
        void pump();
      }
    }
  }

  return {
    async start() {
      // One executor per database: leases left by a previous process belong to nobody now.
      await sql`update ${sql(SCHEMA)}.jobs set leased_at = null where leased_at is not null`;
      stopped = false;
      abort = new AbortController();
      timer = setInterval(() => void pump(), pollIntervalMs);
      void pump();
    },
    nudge: () => void pump(),
    /** Stops like a crash would: requests in flight are abandoned and redone after a start. */
    async stop() {
      stopped = true;
      clearInterval(timer);
      abort.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}

class ProtocolError extends Error {
  override name = "ProtocolError";
}

async function markWaiting(tx: Tx, runId: string, op: Op, status: "sleeping" | "waiting") {
  await tx`
    insert into ${tx(SCHEMA)}.steps (run_id, step_id, name, op, status)
    values (${runId}, ${op.id}, ${op.displayName ?? op.name ?? null}, ${op.op}, ${status})
    on conflict (run_id, step_id) do nothing`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function serializeError(error: unknown) {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { name: "Error", message: String(error) };
}
