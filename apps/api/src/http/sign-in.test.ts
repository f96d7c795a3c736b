import { DEMO_PASSWORD, seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { TEST_DASHBOARD_ORIGIN } from "@brisk/trpc/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callProcedure, startTestApi } from "../testing";

/**
 * Signing in and out over HTTP as the dashboard's browser does it: the cookie it is handed,
 * that cookie at work, the limits' 429s, and the cookie cleared at sign-out. The limits are
 * the product's own (multiplier 1).
 */
const database = useTestDatabase();
let api: Awaited<ReturnType<typeof startTestApi>>;
let secure: Awaited<ReturnType<typeof startTestApi>>;

beforeAll(async () => {
  await seed(database.handle.sql, { users: 5, postsPerUser: 1, demo: true });
  api = await startTestApi(database);
  // Served over HTTPS only: the cookie takes the `__Host-` name and Secure.
  secure = await startTestApi(database, {
    auth: { dashboardOrigins: ["https://dashboard.example"], rateLimitMultiplier: 1 },
  });
});
afterAll(() => Promise.all([api?.stop(), secure?.stop()]));

const fromDashboard = { origin: TEST_DASHBOARD_ORIGIN };

/** A Set-Cookie header as its name, value and attributes (names lowercased). */
function parseSetCookie(header: string) {
  const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
  const at = pair.indexOf("=");
  return {
    name: pair.slice(0, at),
    value: pair.slice(at + 1),
    attributes: Object.fromEntries(
      attributes.map((attribute) => {
        const [key = "", value = true] = attribute.split("=");
        return [key.toLowerCase(), value];
      }),
    ),
  };
}

function setCookieOf(headers: Headers) {
  const all = headers.getSetCookie();
  expect(all).toHaveLength(1);
  return parseSetCookie(all[0]!);
}

const signIn = (target: typeof api, email: string, password: string) =>
  callProcedure(target.base, "auth.signIn", { email, password }, fromDashboard);

describe("signing in over HTTP", () => {
  it("hands the browser an HttpOnly, SameSite=Lax session cookie for the whole site", async () => {
    const answer = await signIn(api, "Member@Brisk.dev ", DEMO_PASSWORD);
    expect(answer.status).toBe(200);
    expect(answer.body?.result?.data).toMatchObject({ kind: "user", id: 2, role: "member" });
    expect(answer.text).not.toMatch(/hash/i);

    const cookie = setCookieOf(answer.headers);
    expect(cookie.name).toBe("brisk_session");
    // At least 128 bits from a CSPRNG, base64url.
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    // No Max-Age or Expires: the server's sliding expiry decides. No Domain: this host only.
    // No Secure on an http:// dashboard, where a Secure cookie would not stick.
    expect(cookie.attributes).toEqual({ path: "/", httponly: true, samesite: "Lax" });
  });

  it("names it __Host- and marks it Secure when the dashboard is served over HTTPS", async () => {
    const answer = await callProcedure(
      secure.base,
      "auth.signIn",
      { email: "rin@brisk.dev", password: DEMO_PASSWORD },
      { origin: "https://dashboard.example" },
    );
    expect(answer.status).toBe(200);
    const cookie = setCookieOf(answer.headers);
    expect(cookie.name).toBe("__Host-brisk_session");
    expect(cookie.attributes).toEqual({ path: "/", httponly: true, secure: true, samesite: "Lax" });
  });

  it("signs the browser in: the cookie then works, until sign-out clears it", async () => {
    const { value } = setCookieOf((await signIn(api, "member@brisk.dev", DEMO_PASSWORD)).headers);
    const withCookie = { cookie: `brisk_session=${value}` };

    const me = await callProcedure(api.base, "auth.me", undefined, withCookie);
    expect(me.body?.result?.data).toMatchObject({ kind: "user", id: 2, email: "member@brisk.dev" });
    const rename = () =>
      callProcedure(
        api.base,
        "users.update",
        { id: 2, name: "Morgan Member" },
        { ...withCookie, ...fromDashboard },
      );
    expect((await rename()).status).toBe(200);

    const out = await callProcedure(api.base, "auth.signOut", undefined, {
      ...withCookie,
      ...fromDashboard,
    });
    expect(out.status).toBe(200);
    const cleared = setCookieOf(out.headers);
    expect(cleared).toEqual({
      name: "brisk_session",
      value: "",
      attributes: { "max-age": "0", path: "/", httponly: true, samesite: "Lax" },
    });

    // A browser that kept the old cookie anyway is nobody now.
    const after = await callProcedure(api.base, "auth.me", undefined, withCookie);
    expect(after.body?.result?.data).toBeNull();
    const refused = await rename();
    expect(refused.status).toBe(401);
    expect(refused.body?.error?.message).toMatch(/Sign in/);
  });

  it("starts a session at sign-up too, in the same answer", async () => {
    const answer = await callProcedure(
      api.base,
      "auth.signUp",
      { name: "Nia Newcomer", email: "Nia@Example.com", password: "tea kettle on the stove" },
      fromDashboard,
    );
    expect(answer.status).toBe(200);
    expect(answer.body?.result?.data).toMatchObject({ kind: "user", email: "nia@example.com" });
    const { value } = setCookieOf(answer.headers);
    const me = await callProcedure(api.base, "auth.me", undefined, {
      cookie: `brisk_session=${value}`,
    });
    expect(me.body?.result?.data).toMatchObject({ kind: "user", email: "nia@example.com" });
  });
});

describe("the sign-in limits over HTTP", () => {
  it("answer 429 with Retry-After once an account has had its failures, right password or not", async () => {
    const failures: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const answer = await signIn(api, "sol@brisk.dev", "not the password");
      failures.push(answer.status);
      expect(answer.body?.error?.message).toBe("Wrong email or password.");
      expect(answer.headers.get("set-cookie")).toBeNull();
    }
    expect(failures).toEqual([401, 401, 401, 401, 401]);

    const limited = await signIn(api, "sol@brisk.dev", DEMO_PASSWORD);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(limited.body?.error?.message).toMatch(
      /^Too many failed sign-ins for this account\. Try again in \d+ (seconds|minutes)\.$/,
    );
    expect(limited.headers.get("set-cookie")).toBeNull();

    // Another account, from the same address, is not held back by it.
    expect((await signIn(api, "rin@brisk.dev", DEMO_PASSWORD)).status).toBe(200);
  });

  it("say the same for an unknown email as for a wrong password", async () => {
    const unknown = await signIn(api, "nobody@brisk.dev", DEMO_PASSWORD);
    expect(unknown.status).toBe(401);
    expect(unknown.body?.error?.message).toBe("Wrong email or password.");
  });
});
