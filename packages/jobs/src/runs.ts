import { z } from "zod";

/**
 * Where runs are read. `dev`: the local executor's runs API at `url` (INNGEST_DEV). `cloud`:
 * Inngest Cloud or a self-hosted Inngest at `baseUrl`, whose console shows the runs; its
 * REST API needs a separate key, so the dashboard links there instead of listing them.
 */
export type RunsConsoleSettings =
  | { mode: "dev"; url: string }
  | { mode: "cloud"; baseUrl?: string | undefined };

export const RUN_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Where Inngest Cloud's console is. */
export const INNGEST_CLOUD_CONSOLE = "https://app.inngest.com";
/** A read of the executor that takes longer than this is reported as unavailable. */
const EXECUTOR_TIMEOUT_MS = 5_000;

const iso = z.iso.datetime({ offset: true });
// Errors are what the SDK serialized: a name and message at least, a stack sometimes.
const errorSchema = z
  .union([
    z.looseObject({ name: z.string().optional(), message: z.string().optional() }),
    z.string(),
  ])
  .nullable();

const runSummarySchema = z.object({
  id: z.string(),
  functionId: z.string(),
  status: z.enum(RUN_STATUSES),
  eventName: z.string(),
  attempts: z.number().int().nonnegative(),
  maxAttempts: z.number().int().nonnegative(),
  createdAt: iso,
  startedAt: iso.nullable(),
  endedAt: iso.nullable(),
  error: errorSchema,
});

const stepSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  op: z.string(),
  status: z.string(),
  output: z.unknown(),
  error: errorSchema,
  attempts: z.number().int().nonnegative(),
  startedAt: iso,
  endedAt: iso.nullable(),
});

const runListSchema = z.object({ runs: z.array(runSummarySchema) });
const runDetailSchema = z.object({
  run: runSummarySchema.extend({ output: z.unknown(), steps: z.array(stepSchema) }),
});

export type RunSummary = z.infer<typeof runSummarySchema>;
export type RunDetail = z.infer<typeof runDetailSchema>["run"];

/**
 * Why the executor did not answer as asked: `unavailable` (unreachable, timed out, or an
 * answer that is not what its runs API returns), `not-found`, `conflict` (a retry of a run
 * that did not fail, a cancel of one that ended), `invalid` (input it refused), `elsewhere`
 * (cloud mode: the runs are in Inngest's console).
 */
export class RunsError extends Error {
  constructor(
    readonly kind: "unavailable" | "not-found" | "conflict" | "invalid" | "elsewhere",
    message: string,
  ) {
    super(message);
    this.name = "RunsError";
  }
}

export interface RunsConsole {
  mode: "dev" | "cloud";
  /** Where an operator sees the runs in cloud mode; null in dev mode. */
  consoleUrl: string | null;
  list(filter: { function?: string; status?: RunStatus; limit: number }): Promise<RunSummary[]>;
  byId(id: string): Promise<RunDetail>;
  retry(id: string): Promise<RunDetail>;
  cancel(id: string): Promise<RunDetail>;
}

/**
 * The runs the Jobs page shows and the retries and cancels it asks for. Only `createRuntime`
 * builds it.
 */
export function createRunsConsole(settings: RunsConsoleSettings): RunsConsole {
  if (settings.mode === "cloud") {
    const consoleUrl = (settings.baseUrl ?? INNGEST_CLOUD_CONSOLE).replace(/\/+$/, "");
    const elsewhere = async (): Promise<never> => {
      throw new RunsError("elsewhere", `Runs are in the Inngest console at ${consoleUrl}.`);
    };
    return {
      mode: "cloud",
      consoleUrl,
      list: elsewhere,
      byId: elsewhere,
      retry: elsewhere,
      cancel: elsewhere,
    };
  }

  const base = settings.url.replace(/\/+$/, "");
  async function call<T>(schema: z.ZodType<T>, path: string, method: "GET" | "POST" = "GET") {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        signal: AbortSignal.timeout(EXECUTOR_TIMEOUT_MS),
      });
    } catch (error) {
      throw new RunsError(
        "unavailable",
        `The job executor at ${base} did not answer (${error instanceof Error ? error.message : String(error)}). Is it running (pnpm dev starts it)?`,
      );
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const message =
        typeof body === "object" && body && "error" in body && typeof body.error === "string"
          ? body.error
          : `HTTP ${response.status}`;
      const kind =
        response.status === 404
          ? "not-found"
          : response.status === 409
            ? "conflict"
            : response.status === 400
              ? "invalid"
              : "unavailable";
      throw new RunsError(kind, `The job executor refused: ${message}`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new RunsError("unavailable", `The job executor at ${base} answered unexpectedly.`);
    }
    return parsed.data;
  }
  const runPath = (id: string) => `/v1/runs/${encodeURIComponent(id)}`;

  return {
    mode: "dev",
    consoleUrl: null,
    async list(filter) {
      const query = new URLSearchParams({ limit: String(filter.limit) });
      if (filter.function) query.set("function", filter.function);
      if (filter.status) query.set("status", filter.status);
      return (await call(runListSchema, `/v1/runs?${query}`)).runs;
    },
    async byId(id) {
      return (await call(runDetailSchema, runPath(id))).run;
    },
    async retry(id) {
      return (await call(runDetailSchema, `${runPath(id)}/retry`, "POST")).run;
    },
    async cancel(id) {
      return (await call(runDetailSchema, `${runPath(id)}/cancel`, "POST")).run;
    },
  };
}
