import type { Database } from "@brisk/db";
import pino from "pino";
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
