import type { TestDatabase } from "@brisk/db/testing/database";
import { afterAll, beforeAll } from "vitest";
import { internalRequest } from "./request";

export { createTRPCRouter, publicProcedure } from "./init";

import { createRuntime, type Runtime, type RuntimeConfig } from "./runtime";

/**
 * The runtime as a host builds it, over a test file's own database: a small pool whose
 * statements land in `database.statements`, a logger that stays quiet, and no cache unless
 * `overrides` asks for one (so statement counts see every query).
 */
export function createTestRuntime(
  database: TestDatabase,
  overrides: Partial<Omit<RuntimeConfig, "database">> = {},
): Runtime {
  return createRuntime({
    service: "test",
    logLevel: "silent",
    database: {
      url: database.url,
      // One connection opened by `db.warm()`: the first statement on a new pool fetches types.
      pool: { max: 4, warm: 1 },
      applicationName: `test-${process.pid}`,
      onQuery: database.record,
    },
    requestTimeoutMs: 5_000,
    exposeErrors: false,
    ...overrides,
  });
}

/**
 * One runtime for a test file, built once its database exists and closed after its tests.
 * `caller()` is a new request each time, as each HTTP request would be.
 */
export function useTestRuntime(
  database: TestDatabase,
  overrides?: Partial<Omit<RuntimeConfig, "database">>,
) {
  const holder = {
    runtime: undefined as unknown as Runtime,
    caller: (id = "test") => holder.runtime.caller(internalRequest(id)),
  };
  beforeAll(async () => {
    holder.runtime = createTestRuntime(database, overrides);
    await holder.runtime.db.warm();
  });
  afterAll(() => holder.runtime?.close());
  return holder;
}
export { CACHE_PREFIX } from "./cache-scopes";
