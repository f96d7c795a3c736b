import { insertSession } from "@brisk/db/queries/auth";
import type { TestDatabase } from "@brisk/db/testing/database";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, expect } from "vitest";
import { z } from "zod";
import { SESSION_MS } from "./auth/identity";
import { randomToken, tokenHash } from "./auth/tokens";
import { type CookieOptions, internalRequest, nextTurn, type RequestInfo } from "./request";

export { createCallerFactory, createTRPCRouter, publicProcedure } from "./init";

/** Where tests say the dashboard is: a cookie-carrying mutation must name it as its Origin. */
export const TEST_DASHBOARD_ORIGIN = "http://dashboard.test";

/**
 * A request as a test makes it: the headers, cookies and client address given, and what the
 * procedures set on the response kept for the test to read.
 */
export function testRequest(
  init: { headers?: Record<string, string>; cookies?: Record<string, string>; ip?: string } = {},
) {
  const headers = new Map(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const response = {
    headers: new Map<string, string>(),
    cookies: new Map<string, { value: string; options: CookieOptions }>(),
  };
  const request: RequestInfo = {
    id: "test",
    ip: init.ip ?? "192.0.2.1",
    header: (name) => headers.get(name.toLowerCase()),
    cookie: (name) => init.cookies?.[name],
    setHeader: (name, value) => response.headers.set(name.toLowerCase(), value),
    setCookie: (name, value, options) => response.cookies.set(name, { value, options }),
    afterResponse: nextTurn,
  };
  return { request, response };
}

import { createRuntime, type Runtime, type RuntimeConfig } from "./runtime";

/**
 * The runtime as a host builds it, over a test file's own database: a small pool whose
 * statements land in `database.statements`, a logger that stays quiet, and no cache unless
 * `overrides` asks for one (so statement counts see every query).
 */
export function createTestRuntime(
  database: TestDatabase,
  overrides: Partial<Omit<RuntimeConfig, "database">> & {
    database?: Partial<RuntimeConfig["database"]>;
  } = {},
): Runtime {
  const { database: databaseOverrides, ...rest } = overrides;
  return createRuntime({
    service: "test",
    logLevel: "silent",
    database: {
      url: database.url,
      // One connection opened by `db.warm()`: the first statement on a new pool fetches types.
      pool: { max: 4, warm: 1 },
      applicationName: `test-${process.pid}`,
      onQuery: database.record,
      ...databaseOverrides,
    },
    requestTimeoutMs: 5_000,
    exposeErrors: false,
    auth: { dashboardOrigins: [TEST_DASHBOARD_ORIGIN], rateLimitMultiplier: 1 },
    ...rest,
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
    /** An anonymous caller. */
    caller: (id = "test") => holder.runtime.caller(internalRequest(id)),
    /**
     * Signs `userId` in (a new session, sent as a bearer token) and returns a maker of callers
     * as that user, one per request.
     */
    async signIn(userId: number) {
      const { request } = await signedInRequest(holder.runtime, userId);
      return () => holder.runtime.caller(request);
    },
  };
  beforeAll(async () => {
    holder.runtime = createTestRuntime(database, overrides);
    await holder.runtime.db.warm();
  });
  afterAll(() => holder.runtime?.close());
  return holder;
}
export { CACHE_PREFIX } from "./cache-scopes";

/** A new session of `userId`: its token, and the row to store (for tests that write SQL). */
export function newSession(userId: number) {
  const token = randomToken();
  return {
    token,
    row: { id: tokenHash(token), userId, expiresAt: new Date(Date.now() + SESSION_MS) },
  };
}

/** A request carrying a new session of `userId` as its bearer token. */
export async function signedInRequest(runtime: Runtime, userId: number) {
  const { token, row } = newSession(userId);
  await insertSession(runtime.db.db, row);
  return { token, ...testRequest({ headers: { authorization: `Bearer ${token}` } }) };
}

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
