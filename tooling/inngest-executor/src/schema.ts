import type { Sql } from "postgres";

export const SCHEMA = "inngest_local";

/**
 * The executor's own tables, created at start. Everything a run needs to continue lives here
 * (its event, memoized step results, pending work, waits), so a restart of the executor or of
 * the app picks runs up where they stopped.
 */
const DDL = `
create schema if not exists ${SCHEMA};
create table if not exists ${SCHEMA}.functions (
  id text primary key,
  app_name text not null,
  name text not null,
  step_url text not null,
  config jsonb not null,
  updated_at timestamptz not null default now()
);
create table if not exists ${SCHEMA}.events (
  internal_id text primary key,
  id text not null,
  name text not null,
  payload jsonb not null,
  received_at timestamptz not null default now()
);
create index if not exists events_id on ${SCHEMA}.events (id, received_at);
create table if not exists ${SCHEMA}.runs (
  id text primary key,
  function_id text not null,
  event_id text not null,
  event jsonb not null,
  status text not null check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
  attempts integer not null default 0,
  max_attempts integer not null,
  priority integer not null default 0,
  concurrency jsonb not null default '[]',
  disable_immediate boolean not null default false,
  stack text[] not null default '{}',
  parent jsonb,
  output jsonb,
  error jsonb,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  ended_at timestamptz
);
create index if not exists runs_function on ${SCHEMA}.runs (function_id, created_at desc);
create index if not exists runs_status on ${SCHEMA}.runs (status, created_at desc);
create table if not exists ${SCHEMA}.steps (
  run_id text not null references ${SCHEMA}.runs (id) on delete cascade,
  step_id text not null,
  name text,
  op text not null,
  status text not null,
  data jsonb,
  error jsonb,
  attempts integer not null default 0,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  completed boolean not null default false,
  primary key (run_id, step_id)
);
-- A request the executor owes the app (step_id null: discovery) or a timer (resolve: a sleep's
-- end, a wait's timeout). leased_at marks one in flight; "again" asks a discovery in flight to
-- run once more because a result arrived after it was sent.
create table if not exists ${SCHEMA}.jobs (
  id bigserial primary key,
  run_id text not null references ${SCHEMA}.runs (id) on delete cascade,
  step_id text,
  attempt integer not null default 0,
  resolve jsonb,
  available_at timestamptz not null default now(),
  leased_at timestamptz,
  again boolean not null default false
);
-- Claim order, as Inngest scores a queue item: the run's start minus its priority, so a run's
-- next step goes before newer runs' first steps. concurrency_keys: the run's, for skipping
-- groups at their limit without reading the run.
alter table ${SCHEMA}.jobs add column if not exists score timestamptz;
alter table ${SCHEMA}.jobs add column if not exists concurrency_keys text[] not null default '{}';
update ${SCHEMA}.jobs j
  set score = r.created_at - make_interval(secs => r.priority),
      concurrency_keys = array(select c->>'key' from jsonb_array_elements(r.concurrency) c)
  from ${SCHEMA}.runs r where r.id = j.run_id and j.score is null;
alter table ${SCHEMA}.jobs alter column score set not null;
create unique index if not exists jobs_one_per_step on ${SCHEMA}.jobs (run_id, coalesce(step_id, ''));
drop index if exists ${SCHEMA}.jobs_due;
create index if not exists jobs_claim on ${SCHEMA}.jobs (score, id) where leased_at is null;
create table if not exists ${SCHEMA}.waits (
  run_id text not null references ${SCHEMA}.runs (id) on delete cascade,
  step_id text not null,
  kind text not null check (kind in ('event', 'invoke')),
  event_name text,
  expression text,
  child_run_id text,
  expires_at timestamptz,
  primary key (run_id, step_id)
);
create index if not exists waits_event on ${SCHEMA}.waits (event_name);
create index if not exists waits_child on ${SCHEMA}.waits (child_run_id);
create table if not exists ${SCHEMA}.idempotency (
  function_id text not null,
  key text not null,
  run_id text not null,
  created_at timestamptz not null default now(),
  primary key (function_id, key)
);
`;

export async function ensureSchema(sql: Sql) {
  await sql.begin(async (tx) => {
    // Two executors starting on one database must not race on CREATE … IF NOT EXISTS.
    await tx`select pg_advisory_xact_lock(hashtext(${SCHEMA}))`;
    await tx.unsafe(DDL);
  });
}
