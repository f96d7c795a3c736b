import type { TestDatabase } from "@brisk/db/testing/database";
import { appRouter, type RuntimeConfig } from "@brisk/trpc";
import { createTestRuntime } from "@brisk/trpc/testing";
import type { AnyRouter } from "@trpc/server";
import { createApiServer } from "./http/server";

/**
 * apps/api as main.ts wires it (the runtime with metrics and per-call telemetry, warmed, and
 * the HTTP server on it) over a test file's database, listening on a free port.
 */
export async function startTestApi(
  database: TestDatabase,
  options: { router?: AnyRouter; maxBodyBytes?: number } & Partial<
    Omit<RuntimeConfig, "database">
  > = {},
) {
  const { router = appRouter, maxBodyBytes, ...overrides } = options;
  const runtime = createTestRuntime(database, { telemetry: { perCall: true }, ...overrides });
  await runtime.warm();
  const api = createApiServer({
    router,
    createContext: runtime.createContext,
    serialize: runtime.serialize,
    log: runtime.log,
    readiness: { sql: runtime.db.sql, isWarm: () => true },
    maxBodyBytes,
    inngest: runtime.jobs?.handler,
  });
  const origin = `http://127.0.0.1:${await api.listen(0, "127.0.0.1")}`;
  return {
    origin,
    base: `${origin}/trpc`,
    runtime,
    /** The instance's Prometheus registry, as /metrics would show it. */
    registry: runtime.metrics!.registry,
    api,
    async stop() {
      await api.drain(1_000);
      await runtime.close();
    },
  };
}

// Flat at run time, by path ("posts.create"), however the router's type nests them.
const procedures = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { type: "query" | "mutation" | "subscription" } } | undefined
>;

/** Whether `path` is a query or a mutation; undefined when the router has no such procedure. */
export const procedureType = (path: string) => procedures[path]?._def.type;

/** A tRPC answer over HTTP: its data, or its error with the message a person reads. */
export interface Envelope {
  result?: { data?: unknown };
  error?: { message: string; code: number; data?: { code: string; httpStatus: number } };
}

/**
 * One procedure over HTTP, unbatched, as a tRPC client sends it: a query by GET with its input
 * as `?input=`, a mutation by POST with its input as the JSON body. The body is kept as text
 * too, for tests that check it is JSON at all.
 */
export function callProcedure(
  base: string,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
) {
  return sendProcedure(
    base,
    path,
    input === undefined ? undefined : JSON.stringify(input),
    headers,
  );
}

/** `callProcedure` with the input's JSON text as given (which JSON.stringify could not make). */
export async function sendProcedure(
  base: string,
  path: string,
  json: string | undefined,
  headers: Record<string, string> = {},
) {
  const type = procedureType(path);
  if (!type) throw new Error(`appRouter has no procedure ${path}`);
  const res =
    type === "query"
      ? await fetch(`${base}/${path}${json ? `?input=${encodeURIComponent(json)}` : ""}`, {
          headers,
        })
      : await fetch(`${base}/${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: json,
        });
  const text = await res.text();
  let body: Envelope | undefined;
  try {
    body = JSON.parse(text) as Envelope;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}
