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
    media: runtime.jobs?.media,
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

/** Whether `path` is a query, a mutation or a subscription; undefined when there is none. */
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
  if (type === "subscription") return subscribeOnce(base, path, json, headers);
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

/**
 * How long a subscription that started may stay quiet before it is taken as accepted: a refusal
 * (sign-in, input) follows its `connected` event at once, while an accepted one may have
 * nothing to send until something happens.
 */
const QUIET_MS = 300;

/**
 * A subscription over server-sent events, as `httpSubscriptionLink` opens it, answered as a
 * call is: tRPC has sent 200 and `connected` before the procedure runs, so a refusal is the
 * `serialized-error` event that follows, and its status is the one the error carries. The first
 * data event (or quiet) is a 200 with that data. The stream is closed after.
 */
async function subscribeOnce(
  base: string,
  path: string,
  json: string | undefined,
  headers: Record<string, string>,
) {
  const abort = new AbortController();
  const res = await fetch(`${base}/${path}${json ? `?input=${encodeURIComponent(json)}` : ""}`, {
    headers: { accept: "text/event-stream", ...headers },
    signal: abort.signal,
  });
  if (!res.headers.get("content-type")?.startsWith("text/event-stream")) {
    const text = await res.text();
    let body: Envelope | undefined;
    try {
      body = JSON.parse(text) as Envelope;
    } catch {
      body = undefined;
    }
    return { status: res.status, headers: res.headers, text, body };
  }
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  let quiet: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      const read = reader.read();
      const next = buffered.includes("event: connected")
        ? await Promise.race([
            read,
            new Promise<"quiet">((resolve) => {
              quiet = setTimeout(() => resolve("quiet"), QUIET_MS);
            }),
          ])
        : await read;
      clearTimeout(quiet);
      if (next === "quiet" || next.done) {
        return { status: 200, headers: res.headers, text: buffered, body: { result: {} } };
      }
      buffered += decoder.decode(next.value, { stream: true });
      for (const block of buffered.split("\n\n").slice(0, -1)) {
        const field = (name: string) =>
          block
            .split("\n")
            .find((line) => line.startsWith(`${name}: `))
            ?.slice(name.length + 2);
        const event = field("event");
        const data = field("data");
        if (event === "serialized-error" && data) {
          const error = JSON.parse(data) as NonNullable<Envelope["error"]>;
          return {
            status: error.data?.httpStatus ?? 500,
            headers: res.headers,
            text: data,
            body: { error },
          };
        }
        if (event === undefined && data) {
          return {
            status: 200,
            headers: res.headers,
            text: data,
            body: { result: { data: JSON.parse(data) as unknown } },
          };
        }
      }
    }
  } finally {
    abort.abort();
  }
}
