import type { TestDatabase } from "@brisk/db/testing/database";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, expect } from "vitest";
import { z } from "zod";
import { internalRequest } from "./request";

export { createCallerFactory, createTRPCRouter, publicProcedure } from "./init";

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

/**
 * The field messages a failed call carries (what the error formatter sends a client as
 * `data.zodError.fieldErrors`), read off the TRPCError an in-process caller throws.
 */
export async function fieldErrors(call: Promise<unknown>): Promise<Record<string, string[]>> {
  const error = await call.then(
    () => {
      throw new Error("the call succeeded");
    },
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError) || !(error.cause instanceof z.ZodError)) throw error;
  expect(error.code).toBe("BAD_REQUEST");
  return z.flattenError(error.cause).fieldErrors as Record<string, string[]>;
}
