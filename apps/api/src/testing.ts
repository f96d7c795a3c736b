import type { Database } from "@brisk/db";
import pino from "pino";
import { createContextFactory } from "./trpc/context";
import { createCallerFactory } from "./trpc/init";
import { appRouter } from "./trpc/router";

/** A caller of the real router over a test database, with a logger that stays quiet. */
export function createTestCaller(db: Database, requestId = "test") {
  const createContext = createContextFactory({
    db,
    log: pino({ level: "silent" }),
    exposeErrors: false,
  });
  return createCallerFactory(appRouter)(createContext(requestId));
}
