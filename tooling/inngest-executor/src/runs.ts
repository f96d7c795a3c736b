import { randomUUID } from "node:crypto";
import type postgres from "postgres";
import { z } from "zod";
import { CelError, type CelExpression, compileCel } from "./cel";
import { SCHEMA } from "./schema";

export type Tx = postgres.TransactionSql | postgres.Sql;
export type Log = (line: string) => void;

export const FUNCTION_FAILED = "inngest/function.failed";
export const FUNCTION_INVOKED = "inngest/function.invoked";
const IDEMPOTENCY_WINDOW = "24 hours";
/** Inngest's default when a function sets no `retries`. */
const DEFAULT_RETRIES = 4;

const concurrencySchema = z.object({
  limit: z.number().int().min(0).max(10_000),
  key: z.string().min(1).max(1_000).optional(),
  scope: z.enum(["fn", "env", "account"]).optional(),
});

/** What the SDK syncs per function; options this executor does not implement pass through. */
export const functionConfigSchema = z.looseObject({
  id: z.string().min(1).max(300),
  name: z.string().max(300).optional(),
  triggers: z
    .array(
      z.looseObject({
        event: z.string().min(1).max(300).optional(),
        expression: z.string().max(1_000).optional(),
        cron: z.string().max(300).optional(),
      }),
    )
    .max(50)
    .default([]),
  steps: z
    .record(
      z.string(),
      z.looseObject({
        runtime: z.looseObject({ url: z.url() }),
        retries: z.object({ attempts: z.number().int().min(0).max(20) }).optional(),
      }),
    )
    .refine((steps) => Object.keys(steps).length > 0, "a function needs a step URL"),
  idempotency: z.string().min(1).max(1_000).optional(),
  priority: z.object({ run: z.string().min(1).max(1_000).optional() }).optional(),
  concurrency: z
    .union([
      z.number().int().min(0).max(10_000),
      concurrencySchema,
      z.array(concurrencySchema).max(2),
    ])
    .optional(),
});
export type FunctionConfig = z.infer<typeof functionConfigSchema>;

export interface EventPayload {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  [key: string]: unknown;
}

interface FunctionRow {
  id: string;
  config: FunctionConfig;
}

export interface Parent {
  run_id: string;
  step_id: string;
}

export type StepResult = { data: unknown } | { error: unknown };

const compiled = new Map<string, CelExpression>();
function cel(source: string): CelExpression {
  let expression = compiled.get(source);
  if (!expression) {
    expression = compileCel(source);
    compiled.set(source, expression);
  }
  return expression;
}

/** Every CEL expression a function config carries, so a sync with a bad one is refused. */
export function configExpressions(config: FunctionConfig): string[] {
  const concurrency = config.concurrency;
  const limits = Array.isArray(concurrency)
    ? concurrency
    : typeof concurrency === "object"
      ? [concurrency]
      : [];
  return [
    ...config.triggers.flatMap((trigger) => (trigger.expression ? [trigger.expression] : [])),
    ...(config.idempotency ? [config.idempotency] : []),
    ...(config.priority?.run ? [config.priority.run] : []),
    ...limits.flatMap((limit) => (limit.key ? [limit.key] : [])),
  ].filter((source) => {
    try {
      cel(source);
      return false;
    } catch (error) {
      if (error instanceof CelError) return true;
      throw error;
    }
  });
}

function evaluate(source: string, scope: Record<string, unknown>, log: Log): unknown {
  try {
    return cel(source).evaluate(scope);
  } catch (error) {
    if (!(error instanceof CelError)) throw error;
    log(`expression failed: ${error.message}`);
    return null;
  }
}

export function json(tx: Tx, value: unknown) {
  return tx.json(value as postgres.JSONValue);
}

function matchesName(pattern: string, name: string) {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/**
 * A job's `score, concurrency_keys` from its run `r`. Inngest scores a due queue item by its
 * run's start time less the priority factor (pkg/execution/queue/item.go, QueueItem.Score), so
 * runs finish in the order they started instead of a backlog of first steps going first.
 */
export function jobOrder(tx: Tx) {
  return tx`r.created_at - make_interval(secs => r.priority),
    array(select c->>'key' from jsonb_array_elements(r.concurrency) c)`;
}

export async function enqueue(
  tx: Tx,
  job: {
    runId: string;
    stepId: string | null;
    attempt?: number;
    delayMs?: number;
    resolve?: unknown;
  },
) {
  const availableAt = new Date(Date.now() + (job.delayMs ?? 0));
  // A discovery request already in flight must run once more: it was sent before this result.
  await tx`
    insert into ${tx(SCHEMA)}.jobs as existing (run_id, step_id, attempt, available_at, resolve, score, concurrency_keys)
    select ${job.runId}, ${job.stepId}, ${job.attempt ?? 0}, ${availableAt},
           ${job.resolve === undefined ? null : json(tx, job.resolve)}, ${jobOrder(tx)}
    from ${tx(SCHEMA)}.runs r where r.id = ${job.runId}
    on conflict (run_id, coalesce(step_id, '')) do update
      set again = existing.again or (existing.leased_at is not null and excluded.step_id is null)`;
}

/**
 * Creates the runs an event triggers; returns their ids. `functions`: every synced function,
 * when the caller has read them already for a batch of events.
 */
export async function triggerFunctions(
  tx: Tx,
  event: EventPayload,
  log: Log,
  parent?: Parent & { function_id: string },
  functions?: FunctionRow[],
) {
  const candidates = parent
    ? await tx<
        FunctionRow[]
      >`select id, config from ${tx(SCHEMA)}.functions where id = ${parent.function_id}`
    : (functions ?? (await allFunctions(tx)));
  const runIds: string[] = [];
  for (const fn of candidates) {
    const triggered =
      parent !== undefined ||
      fn.config.triggers.some(
        (trigger) =>
          trigger.event !== undefined &&
          matchesName(trigger.event, event.name) &&
          (!trigger.expression || evaluate(trigger.expression, { event }, log) === true),
      );
    if (!triggered) continue;
    const runId = await createRun(tx, fn, event, log, parent);
    if (runId) runIds.push(runId);
  }
  return runIds;
}

function allFunctions(tx: Tx) {
  return tx<FunctionRow[]>`select id, config from ${tx(SCHEMA)}.functions`;
}

async function createRun(tx: Tx, fn: FunctionRow, event: EventPayload, log: Log, parent?: Parent) {
  const { config } = fn;
  const runId = randomUUID();
  if (config.idempotency) {
    const value = evaluate(config.idempotency, { event }, log);
    if (value !== null) {
      const [claimed] = await tx`
        insert into ${tx(SCHEMA)}.idempotency as existing (function_id, key, run_id)
        values (${fn.id}, ${JSON.stringify(value)}, ${runId})
        on conflict (function_id, key) do update set run_id = excluded.run_id, created_at = now()
          where existing.created_at < now() - ${IDEMPOTENCY_WINDOW}::interval
        returning run_id`;
      if (!claimed) return null;
    }
  }
  const priorityValue = config.priority?.run ? evaluate(config.priority.run, { event }, log) : 0;
  const priority =
    typeof priorityValue === "number" && Number.isFinite(priorityValue)
      ? Math.round(Math.min(600, Math.max(-600, priorityValue)))
      : 0;
  const limits = Array.isArray(config.concurrency)
    ? config.concurrency
    : typeof config.concurrency === "number"
      ? [{ limit: config.concurrency }]
      : config.concurrency
        ? [config.concurrency]
        : [];
  const concurrency = limits
    .filter((limit) => limit.limit > 0)
    .map((limit, index) => ({
      limit: limit.limit,
      key: `${fn.id}#${index}:${limit.key ? JSON.stringify(evaluate(limit.key, { event }, log)) : ""}`,
    }));
  const retries = Object.values(config.steps)[0]?.retries?.attempts ?? DEFAULT_RETRIES;
  // created_at from the clock, not the transaction: the runs of one batch of events start (and
  // are scored) in the batch's order.
  await tx`
    with r as (
      insert into ${tx(SCHEMA)}.runs (id, function_id, event_id, event, status, max_attempts, priority, concurrency, parent, created_at)
      values (${runId}, ${fn.id}, ${event.id}, ${json(tx, event)}, 'queued', ${retries + 1}, ${priority},
              ${json(tx, concurrency)}, ${parent ? json(tx, parent) : null}, clock_timestamp())
      returning id, created_at, priority, concurrency)
    insert into ${tx(SCHEMA)}.jobs (run_id, score, concurrency_keys)
    select r.id, ${jobOrder(tx)} from r`;
  return runId;
}

export function newEvent(name: string, data: Record<string, unknown>): EventPayload {
  return { id: randomUUID(), name, data, ts: Date.now() };
}

/** Stores an event (deduplicated by its id for 24 h), starts runs and resumes waiting ones. */
export async function ingestEvent(tx: Tx, event: EventPayload, log: Log): Promise<string> {
  const [id] = await ingestEvents(tx, [event], log);
  return id as string;
}

/**
 * `ingestEvent` for a batch, in order, reading the synced functions and which event names runs
 * wait for once: neither changes while events are stored (a wait is made by a step's answer).
 */
export async function ingestEvents(tx: Tx, events: EventPayload[], log: Log) {
  const functions = await allFunctions(tx);
  const names = [...new Set(events.map((event) => event.name))];
  const awaited = new Set(
    (
      await tx<{ event_name: string }[]>`
        select distinct event_name from ${tx(SCHEMA)}.waits
        where kind = 'event' and event_name = any(${names}::text[])`
    ).map((row) => row.event_name),
  );
  const ids: string[] = [];
  for (const event of events) {
    ids.push(await storeEvent(tx, event, log, functions, awaited.has(event.name)));
  }
  return ids;
}

async function storeEvent(
  tx: Tx,
  event: EventPayload,
  log: Log,
  functions: FunctionRow[],
  awaited: boolean,
) {
  // Its own statement: a statement that waited for the lock would read with an older snapshot.
  await tx`select pg_advisory_xact_lock(hashtext(${`event:${event.id}`}))`;
  const internalId = randomUUID();
  const [stored] = await tx<{ seen: string | null }[]>`
    with expired as (
      delete from ${tx(SCHEMA)}.events
      where id = ${event.id} and received_at < now() - ${IDEMPOTENCY_WINDOW}::interval),
    seen as (
      select internal_id from ${tx(SCHEMA)}.events
      where id = ${event.id} and received_at >= now() - ${IDEMPOTENCY_WINDOW}::interval limit 1),
    inserted as (
      insert into ${tx(SCHEMA)}.events (internal_id, id, name, payload)
      select ${internalId}, ${event.id}, ${event.name}, ${json(tx, event)}
      where not exists (select 1 from seen))
    select (select internal_id from seen) as seen`;
  if (stored?.seen) return stored.seen;
  await triggerFunctions(tx, event, log, undefined, functions);
  if (!awaited) return internalId;
  const waits = await tx<
    { run_id: string; step_id: string; expression: string | null; run_event: EventPayload }[]
  >`
    select w.run_id, w.step_id, w.expression, r.event as run_event
    from ${tx(SCHEMA)}.waits w join ${tx(SCHEMA)}.runs r on r.id = w.run_id
    where w.kind = 'event' and w.event_name = ${event.name} and (w.expires_at is null or w.expires_at > now())
    order by r.created_at`;
  for (const wait of waits) {
    if (
      wait.expression &&
      evaluate(wait.expression, { event: wait.run_event, async: event }, log) !== true
    ) {
      continue;
    }
    await resolveWait(tx, wait.run_id, wait.step_id, { data: event });
  }
  return internalId;
}

/** Records a step's result, once, and keeps the completion order the SDK reads from `stack`. */
export async function remember(
  tx: Tx,
  runId: string,
  stepId: string,
  result: StepResult,
  meta: { op: string; name?: string | null; attempts?: number; startedAt?: Date },
) {
  const failed = "error" in result;
  await tx`
    with step as (
    insert into ${tx(SCHEMA)}.steps as existing (run_id, step_id, name, op, status, data, error, attempts, started_at, ended_at, completed)
    values (${runId}, ${stepId}, ${meta.name ?? null}, ${meta.op}, ${failed ? "failed" : "completed"},
            ${failed ? null : json(tx, result.data ?? null)}, ${failed ? json(tx, result.error ?? null) : null},
            ${meta.attempts ?? 1}, ${meta.startedAt ?? new Date()}, now(), true)
    on conflict (run_id, step_id) do update set
      name = coalesce(excluded.name, existing.name), op = excluded.op, status = excluded.status,
      data = excluded.data, error = excluded.error, attempts = greatest(excluded.attempts, existing.attempts),
      ended_at = now(), completed = true)
    update ${tx(SCHEMA)}.runs set stack = array_append(stack, ${stepId})
    where id = ${runId} and not (${stepId} = any(stack))`;
}

/** Ends a wait (event, invoke or its timeout) exactly once: whoever deletes the row wins. */
export async function resolveWait(tx: Tx, runId: string, stepId: string, result: StepResult) {
  const [wait] = await tx<{ kind: string }[]>`
    delete from ${tx(SCHEMA)}.waits where run_id = ${runId} and step_id = ${stepId} returning kind`;
  if (!wait) return false;
  await tx`delete from ${tx(SCHEMA)}.jobs where run_id = ${runId} and step_id = ${stepId} and resolve is not null`;
  await remember(tx, runId, stepId, result, {
    op: wait.kind === "event" ? "WaitForEvent" : "InvokeFunction",
  });
  await enqueue(tx, { runId, stepId: null });
  return true;
}

interface EndingRun {
  id: string;
  function_id: string;
  event: EventPayload;
  parent: Parent | null;
}

async function clearPending(tx: Tx, runId: string) {
  await tx`
    with gone as (delete from ${tx(SCHEMA)}.jobs where run_id = ${runId})
    delete from ${tx(SCHEMA)}.waits where run_id = ${runId}`;
}

export async function completeRun(tx: Tx, run: EndingRun, output: unknown) {
  await clearPending(tx, run.id);
  await tx`
    update ${tx(SCHEMA)}.runs set status = 'completed', output = ${json(tx, output ?? null)}, ended_at = now()
    where id = ${run.id}`;
  if (run.parent)
    await resolveWait(tx, run.parent.run_id, run.parent.step_id, { data: output ?? null });
}

export async function failRun(tx: Tx, run: EndingRun, error: unknown, log: Log) {
  await clearPending(tx, run.id);
  await tx`
    update ${tx(SCHEMA)}.runs set status = 'failed', error = ${json(tx, error ?? null)}, ended_at = now()
    where id = ${run.id}`;
  if (run.parent) await resolveWait(tx, run.parent.run_id, run.parent.step_id, { error });
  // A failure handler that fails does not trigger another one (Inngest does the same).
  if (run.event.name === FUNCTION_FAILED) return;
  await ingestEvent(
    tx,
    newEvent(FUNCTION_FAILED, {
      function_id: run.function_id,
      run_id: run.id,
      error,
      event: run.event,
    }),
    log,
  );
}

export async function cancelRun(tx: Tx, runId: string) {
  const [run] = await tx<{ parent: Parent | null }[]>`
    update ${tx(SCHEMA)}.runs set status = 'cancelled', ended_at = now()
    where id = ${runId} and status in ('queued', 'running') returning parent`;
  if (!run) return false;
  await clearPending(tx, runId);
  // The invoking run sees the cancellation as the invoked step's error, as on Inngest.
  if (run.parent) {
    await resolveWait(tx, run.parent.run_id, run.parent.step_id, {
      error: { name: "Error", message: `invoked run ${runId} was cancelled` },
    });
  }
  return true;
}

/** A failed run starts again from its failed step; the results of steps that succeeded stay. */
export async function retryRun(tx: Tx, runId: string) {
  const [run] = await tx`
    update ${tx(SCHEMA)}.runs set status = 'queued', error = null, ended_at = null
    where id = ${runId} and status = 'failed' returning id`;
  if (!run) return false;
  const failed = await tx<{ step_id: string }[]>`
    delete from ${tx(SCHEMA)}.steps where run_id = ${runId} and status <> 'completed' returning step_id`;
  for (const { step_id } of failed) {
    await tx`update ${tx(SCHEMA)}.runs set stack = array_remove(stack, ${step_id}) where id = ${runId}`;
  }
  await enqueue(tx, { runId, stepId: null });
  return true;
}
