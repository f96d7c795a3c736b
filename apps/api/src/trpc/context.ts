import type { Database } from "@brisk/db";
import type { Logger } from "../logger";

/** What every procedure can reach. Built once per request, so nothing leaks across users. */
export interface Context {
  db: Database;
  log: Logger;
  requestId: string;
  /** Development only: error messages and stacks go to the client. */
  exposeErrors: boolean;
}

export interface ContextDeps {
  db: Database;
  log: Logger;
  exposeErrors: boolean;
}

export function createContextFactory(deps: ContextDeps) {
  return (requestId: string): Context => ({
    db: deps.db,
    requestId,
    exposeErrors: deps.exposeErrors,
    log: deps.log.child({ reqId: requestId }),
  });
}
