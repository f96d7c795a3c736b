import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type postgres from "postgres";
import { z } from "zod";
import {
  cancelRun,
  configExpressions,
  type EventPayload,
  functionConfigSchema,
  ingestEvents,
  json,
  type Log,
  retryRun,
} from "./runs";
import { SCHEMA } from "./schema";

const MAX_EVENT_BODY = 3 * 1024 * 1024;
const MAX_REGISTER_BODY = 16 * 1024 * 1024;
const MAX_EVENTS_PER_REQUEST = 5_000;

const eventSchema = z.looseObject({
  name: z.string().min(1).max(256),
  data: z.record(z.string(), z.unknown()).nullish(),
  id: z.string().min(1).max(256).optional(),
  ts: z.number().int().nonnegative().optional(),
});
const eventListSchema = z.array(eventSchema).min(1).max(MAX_EVENTS_PER_REQUEST);

const registerSchema = z.looseObject({
  url: z.url(),
  appName: z.string().min(1).max(300),
  functions: z.array(functionConfigSchema).max(1_000),
});

const runStatus = z.enum(["queued", "running", "completed", "failed", "cancelled"]);
const listRunsQuery = z.object({
  function: z.string().min(1).max(300).optional(),
  status: runStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const runIdSchema = z.string().min(1).max(64);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

async function readJson(request: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "body is not JSON");
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, "invalid request", z.flattenError(result.error));
  return result.data;
}

function send(response: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

interface RunRow {
  id: string;
  function_id: string;
  status: string;
  event: EventPayload;
  attempts: number;
  max_attempts: number;
  priority: number;
  output: unknown;
  error: unknown;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
}

function runSummary(run: RunRow) {
  return {
    id: run.id,
    functionId: run.function_id,
    status: run.status,
    eventName: run.event.name,
    eventId: run.event.id,
    attempts: run.attempts,
    maxAttempts: run.max_attempts,
    priority: run.priority,
    createdAt: run.created_at.toISOString(),
    startedAt: run.started_at?.toISOString() ?? null,
    endedAt: run.ended_at?.toISOString() ?? null,
    error: run.error ?? null,
  };
}

export interface ServerOptions {
  sql: postgres.Sql;
  log: Log;
  /** Called after a write that may have made work due. */
  onWork: () => void;
}

/** The event API, sync endpoint and the runs API the dashboard's Jobs page reads. */
export function createExecutorServer({ sql, log, onWork }: ServerOptions) {
  async function events(key: string, request: IncomingMessage) {
    if (!key) throw new HttpError(401, "an event key is required in the path");
    const body = await readJson(request, MAX_EVENT_BODY);
    const list = Array.isArray(body) ? parse(eventListSchema, body) : [parse(eventSchema, body)];
    const payloads = list.map(
      (event): EventPayload => ({
        ...event,
        id: event.id ?? crypto.randomUUID(),
        name: event.name,
        data: event.data ?? {},
        ts: event.ts ?? Date.now(),
      }),
    );
    const ids = await sql.begin((tx) => ingestEvents(tx, payloads, log));
    onWork();
    return { ids, status: 200 };
  }

  async function register(request: IncomingMessage) {
    const body = parse(registerSchema, await readJson(request, MAX_REGISTER_BODY));
    const invalid = body.functions.flatMap((fn) =>
      configExpressions(fn).map((source) => `${fn.id}: ${source}`),
    );
    if (invalid.length > 0) {
      throw new HttpError(
        400,
        `expressions outside the supported CEL subset: ${invalid.join("; ")}`,
      );
    }
    await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${`app:${body.appName}`}))`;
      const ids = body.functions.map((fn) => fn.id);
      await tx`delete from ${tx(SCHEMA)}.functions where app_name = ${body.appName} and not (id = any(${ids}))`;
      for (const fn of body.functions) {
        const stepUrl = Object.values(fn.steps)[0]?.runtime.url as string;
        await tx`
          insert into ${tx(SCHEMA)}.functions (id, app_name, name, step_url, config)
          values (${fn.id}, ${body.appName}, ${fn.name ?? fn.id}, ${stepUrl}, ${json(tx, fn)})
          on conflict (id) do update set app_name = excluded.app_name, name = excluded.name,
            step_url = excluded.step_url, config = excluded.config, updated_at = now()`;
      }
    });
    log(`synced ${body.functions.length} functions of ${body.appName} at ${body.url}`);
    onWork();
    return { status: 200, modified: true };
  }

  async function listRuns(url: URL) {
    const query = parse(listRunsQuery, Object.fromEntries(url.searchParams));
    const runs = await sql<RunRow[]>`
      select * from ${sql(SCHEMA)}.runs
      where (${query.function ?? null}::text is null or function_id = ${query.function ?? null})
        and (${query.status ?? null}::text is null or status = ${query.status ?? null})
      order by created_at desc, id
      limit ${query.limit}`;
    return { runs: runs.map(runSummary) };
  }

  async function getRun(id: string) {
    const [run] = await sql<RunRow[]>`select * from ${sql(SCHEMA)}.runs where id = ${id}`;
    if (!run) throw new HttpError(404, "no such run");
    const steps = await sql<
      {
        step_id: string;
        name: string | null;
        op: string;
        status: string;
        data: unknown;
        error: unknown;
        attempts: number;
        started_at: Date;
        ended_at: Date | null;
      }[]
    >`select * from ${sql(SCHEMA)}.steps where run_id = ${id} order by started_at, step_id`;
    return {
      run: {
        ...runSummary(run),
        event: run.event,
        output: run.output ?? null,
        steps: steps.map((step) => ({
          id: step.step_id,
          name: step.name,
          op: step.op,
          status: step.status,
          output: step.data ?? null,
          error: step.error ?? null,
          attempts: step.attempts,
          startedAt: step.started_at.toISOString(),
          endedAt: step.ended_at?.toISOString() ?? null,
        })),
      },
    };
  }

  async function changeRun(id: string, change: "retry" | "cancel") {
    const changed = await sql.begin((tx) =>
      change === "retry" ? retryRun(tx, id) : cancelRun(tx, id),
    );
    if (!changed) {
      const [run] = await sql`select status from ${sql(SCHEMA)}.runs where id = ${id}`;
      if (!run) throw new HttpError(404, "no such run");
      throw new HttpError(
        409,
        change === "retry" ? "only a failed run can be retried" : `the run is ${run.status}`,
      );
    }
    onWork();
    return getRun(id);
  }

  async function route(request: IncomingMessage, url: URL): Promise<unknown> {
    const method = request.method ?? "GET";
    const path = url.pathname;
    if (method === "GET" && path === "/health") return { status: "ok" };
    const eventMatch = /^\/e\/([^/]*)$/.exec(path);
    if (method === "POST" && eventMatch)
      return events(decodeURIComponent(eventMatch[1] ?? ""), request);
    if (method === "POST" && path === "/fn/register") return register(request);
    if (method === "GET" && path === "/v1/runs") return listRuns(url);
    const runMatch = /^\/v1\/runs\/([^/]+)(?:\/(retry|cancel))?$/.exec(path);
    if (runMatch) {
      const id = parse(runIdSchema, decodeURIComponent(runMatch[1] ?? ""));
      const action = runMatch[2] as "retry" | "cancel" | undefined;
      if (!action && method === "GET") return getRun(id);
      if (action && method === "POST") return changeRun(id, action);
    }
    throw new HttpError(404, `no route for ${method} ${path}`);
  }

  return createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://executor.local");
    route(request, url).then(
      (body) => send(response, 200, body),
      (error: unknown) => {
        if (error instanceof HttpError) {
          send(response, error.status, {
            status: error.status,
            error: error.message,
            details: error.details,
          });
          return;
        }
        log(`${request.method} ${url.pathname} failed: ${String(error)}`);
        send(response, 500, { status: 500, error: "internal error" });
      },
    );
  });
}
