import { useTestDatabase } from "@brisk/db/testing/database";
import { appRouter, nextRequest } from "@brisk/trpc";
import {
  createCallerFactory,
  createTestRuntime,
  createTRPCRouter,
  publicProcedure,
} from "@brisk/trpc/testing";
import { parseSetCookie } from "cookie";
import { RequestCookies } from "next/dist/compiled/@edge-runtime/cookies";
// The cookie store Next's cookies() gives a server action.
import { MutableRequestCookiesAdapter } from "next/dist/server/web/spec-extension/adapters/request-cookies";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiServer } from "./server";

const database = useTestDatabase();

// A procedure that reads the request and writes to the response, as sign-in will.
const router = createTRPCRouter({
  ...appRouter._def.record,
  remember: publicProcedure.mutation(({ ctx }) => {
    ctx.request.setCookie(
      "seen",
      `${ctx.request.cookie("theme")}:${ctx.request.header("x-client")}`,
      {
        httpOnly: true,
        secure: true,
        sameSite: "lax",
        path: "/",
        maxAge: 900,
      },
    );
    ctx.request.setHeader("x-remembered", "yes");
    return { requestId: ctx.request.id };
  }),
});

const runtime = { current: undefined as ReturnType<typeof createTestRuntime> | undefined };
let api: ReturnType<typeof createApiServer>;
let origin: string;
beforeAll(async () => {
  runtime.current = createTestRuntime(database);
  api = createApiServer({
    router,
    createContext: runtime.current.createContext,
    log: runtime.current.log,
    readiness: { sql: runtime.current.db.sql, isWarm: () => true },
  });
  origin = `http://127.0.0.1:${await api.listen(0, "127.0.0.1")}`;
});
afterAll(async () => {
  await api?.drain(1_000);
  await runtime.current?.close();
});

/** A Set-Cookie header's attributes. Next also writes Expires, from Max-Age, which governs. */
const parsed = (header: string) => {
  const { expires: _fromMaxAge, ...cookie } = parseSetCookie(header);
  return { ...cookie, sameSite: String(cookie.sameSite).toLowerCase() };
};

describe("the request in a procedure's context", () => {
  it("is the same over HTTP and in a dashboard server action: headers, cookies, Set-Cookie", async () => {
    const res = await fetch(`${origin}/trpc/remember`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: "theme=dark",
        "x-client": "browser",
        "x-request-id": "over-http",
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-remembered")).toBe("yes");
    const overHttp = res.headers.getSetCookie();
    expect(((await res.json()) as { result: { data: unknown } }).result.data).toEqual({
      requestId: "over-http",
    });

    let fromNext: string[] = [];
    const headers = new Headers({ cookie: "theme=dark", "x-client": "browser" });
    const cookies = MutableRequestCookiesAdapter.wrap(new RequestCookies(headers), (serialized) => {
      fromNext = serialized;
    });
    const inProcess = createCallerFactory(router)(
      runtime.current!.createContext(
        nextRequest({ id: "in-process", ip: undefined, headers, cookies }),
      ),
    );
    expect(await inProcess.remember()).toEqual({ requestId: "in-process" });

    expect(overHttp).toHaveLength(1);
    expect(fromNext).toHaveLength(1);
    expect(parsed(fromNext[0]!)).toEqual(parsed(overHttp[0]!));
    expect(parsed(overHttp[0]!)).toEqual({
      name: "seen",
      value: "dark:browser",
      httpOnly: true,
      secure: true,
      sameSite: "lax",
      path: "/",
      maxAge: 900,
    });
  });
});
