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
  options: { router?: AnyRouter } & Partial<Omit<RuntimeConfig, "database">> = {},
) {
  const { router = appRouter, ...overrides } = options;
  const runtime = createTestRuntime(database, { telemetry: { perCall: true }, ...overrides });
  await runtime.warm();
  const api = createApiServer({
    router,
    createContext: runtime.createContext,
    serialize: runtime.serialize,
    log: runtime.log,
    readiness: { sql: runtime.db.sql, isWarm: () => true },
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
