import { createDb, type Database } from "@brisk/db";
import type { AnyRouter } from "@trpc/server";
import pino from "pino";
import { createApiServer } from "./http/server";
import { createMetrics } from "./telemetry/metrics";
import { observeStatements } from "./telemetry/statements";
import { createContextFactory } from "./trpc/context";
import { createCallerFactory } from "./trpc/init";
import { appRouter } from "./trpc/router";

/** Contexts over a test database, with a logger that stays quiet. */
export function createTestContext(db: Database, requestTimeoutMs = 5_000) {
  return createContextFactory({
    db,
    log: pino({ level: "silent" }),
    requestTimeoutMs,
    exposeErrors: false,
  });
}

/** A caller of the real router: one request context, as one HTTP request would have. */
export function createTestCaller(db: Database, requestId = "test") {
  return createCallerFactory(appRouter)(createTestContext(db)(requestId));
}

/**
 * apps/api wired as main.ts wires it (a pool whose statements feed metrics and spans, a
 * context with metrics) and listening on a free port.
 */
export async function startTestApi(options: { url: string; router?: AnyRouter }) {
  const metrics = createMetrics({ poolUsage: () => handle.usage() });
  const handle = createDb({
    url: options.url,
    pool: { max: 4, warm: 0 },
    applicationName: `test-api-${process.pid}`,
    onStatement: observeStatements(metrics, "test"),
  });
  const log = pino({ level: "silent" });
  const api = createApiServer({
    router: options.router ?? appRouter,
    createContext: createContextFactory({
      db: handle.db,
      log,
      requestTimeoutMs: 5_000,
      exposeErrors: false,
      metrics,
    }),
    log,
    readiness: { sql: handle.sql },
  });
  const base = `http://127.0.0.1:${await api.listen(0, "127.0.0.1")}/trpc`;
  return {
    base,
    metrics,
    async stop() {
      await api.drain(1_000);
      await handle.close();
    },
  };
}
