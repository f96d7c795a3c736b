import { DEMO_PASSWORD, seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { appRouter } from "@brisk/trpc";
import { signedInRequest, TEST_DASHBOARD_ORIGIN } from "@brisk/trpc/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { procedureType, sendProcedure, startTestApi } from "../testing";

/**
 * Bad input never 5xx: every procedure, sent arbitrary JSON over real HTTP (oversized strings,
 * deep nesting, wrong types, lone surrogates and other unicode edges, numbers JSON.parse
 * cannot hold), as nobody and as an admin, answers below 500 with a message a person can
 * read, and the api stays up. Inputs are mostly a valid sample bent field by field, so the
 * fuzzer gets past the first check and into the procedure and its SQL.
 */
const database = useTestDatabase();
let api: Awaited<ReturnType<typeof startTestApi>>;

// Small, so oversized inputs meet it often; a post body of 100,000 characters still fits.
const MAX_BODY_BYTES = 256 * 1024;
// Random inputs per procedure and caller, after its edges: the file stays well under a minute.
const RUNS = 12;

/** A valid input of each procedure, for the fuzzer to bend; undefined: it takes none. */
const SAMPLES: Record<string, unknown> = {
  "auth.me": undefined,
  "auth.signUp": { name: "Fuzz Person", email: "fuzz@example.com", password: "a fine passphrase" },
  "auth.signIn": { email: "member@brisk.dev", password: DEMO_PASSWORD },
  "auth.signOut": undefined,
  "auth.changePassword": { currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD },
  "auth.acceptInvitation": {
    token: "dGhpcyBpcyBub3QgYSByZWFsIHRva2VuIGF0IGFsbCE",
    password: "a fine passphrase",
  },
  "apiKeys.list": undefined,
  "apiKeys.create": { name: "fuzz", role: "member" },
  "apiKeys.revoke": { id: 1 },
  "users.list": { cursor: 3, limit: 5, postsPerUser: 2 },
  "users.byId": { id: 2, postsLimit: 3 },
  "users.update": { id: 3, name: "Rin Takahashi" },
  "users.setRole": { id: 4, role: "member" },
  "users.invite": { name: "Fuzz Invitee", email: "fuzz-invitee@example.com" },
  "posts.list": {
    authorId: 2,
    tag: "redis",
    status: "published",
    cursor: "1735689600000.5",
    limit: 10,
  },
  "posts.byId": { id: 1 },
  "posts.create": {
    authorId: 2,
    title: "Fuzzed",
    body: "text",
    status: "draft",
    tagIds: [1, 2],
    coverMediaId: null,
  },
  "posts.update": { id: 2, title: "Bent", body: "", status: "published", tagIds: [3] },
  "posts.delete": { id: 3 },
  "ops.metrics": undefined,
  "ops.traces": undefined,
  "mailbox.list": { cursor: 10, limit: 25 },
  "mailbox.byId": { id: 1 },
  "jobs.list": { function: "brisk-send-welcome-email", status: "failed", limit: 20 },
  "jobs.byId": { id: "0d4b7a52-3c1e-4f5a-9b8e-2f6c1d0a9e71" },
  "jobs.retry": { id: "0d4b7a52-3c1e-4f5a-9b8e-2f6c1d0a9e71" },
  "jobs.cancel": { id: "0d4b7a52-3c1e-4f5a-9b8e-2f6c1d0a9e71" },
  "jobs.progress": { runId: "0d4b7a52-3c1e-4f5a-9b8e-2f6c1d0a9e71", lastEventId: "12" },
  "reports.snapshot": { authorId: 2, from: "2026-01-01", to: "2026-01-31" },
  "reports.order": { scope: "author", authorId: 2, from: "2026-01-01", to: "2026-01-31" },
  "reports.list": { limit: 20, before: 40 },
  "reports.byId": { id: 1 },
  "tags.list": undefined,
  "tags.create": { name: "Fuzz", slug: "fuzz", colour: "#abcdef" },
  "tags.update": { id: 2, name: "Node.js", slug: "node-js", colour: "#16a34a" },
  "tags.delete": { id: 50 },
};

/** JSON text JSON.stringify cannot write: numbers past a double, nesting past any sense. */
class Raw {
  constructor(readonly text: string) {}
}

function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Raw ? `\u0000raw:${raws.push(v.text) - 1}` : v,
  );
  return text.replace(/"\\u0000raw:(\d+)"/g, (_match, i: string) => raws[Number(i)]!);
}

/** Strings a form or a client gets wrong, up to `max` characters where they are long. */
const strings = (max: number) =>
  fc.oneof(
    fc.constantFrom(
      "",
      " ",
      "\u0000",
      "a\u0000b",
      "\ud800",
      "\udfff",
      "x\ud83dy",
      "\u202e\u0301",
      "\ufeff",
      "\u2028\u2029",
      "NaN",
      "-0",
      "Infinity",
      "1e309",
      "0x1f",
      "１２３",
      "9".repeat(400),
      "null",
      "true",
      "__proto__",
      "constructor",
      "<script>alert(1)</script>",
      "' or 1=1; --",
      "%00%ff",
      "\\",
      '"',
      "{{x}}",
      "999999999999999.1",
      "1735689600000.9999999999",
      "admin@brisk.dev",
      " ADMIN@BRISK.DEV ",
      "a@b",
      "🙂".repeat(64),
      "e\u0301".repeat(50),
    ),
    fc.string({ unit: "binary", maxLength: 64 }),
    fc.string({ unit: "grapheme", maxLength: 64 }),
    fc
      .tuple(fc.constantFrom("x", "é", "🙂", "\ud800", "\u0000"), fc.integer({ min: 1, max }))
      .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length))),
  );

const numbers = fc.oneof(
  fc.constantFrom(-0, 0, -1, 1, 0.5, 2 ** 31 - 1, 2 ** 31, 2 ** 53 + 2, Number.MAX_VALUE),
  fc.constantFrom(Number.MIN_VALUE, -Number.MAX_VALUE),
  fc.double(),
  fc.integer(),
  fc
    .constantFrom("1e400", "-1e400", "123456789012345678901234567890", "1e-400", "-0.0")
    .map((text) => new Raw(text)),
);

const nestedArrays = (depth: number) => new Raw(`${"[".repeat(depth)}${"]".repeat(depth)}`);

const nested = (maxDepth: number) =>
  fc
    .tuple(fc.integer({ min: 10, max: maxDepth }), fc.boolean())
    .map(([depth, arrays]) =>
      arrays ? nestedArrays(depth) : new Raw(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
    );

/** Any value a field might be sent in place of the right one. */
const anything = (max: number, maxDepth: number) =>
  fc.oneof(
    { weight: 3, arbitrary: strings(max) },
    { weight: 2, arbitrary: numbers },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    nested(maxDepth),
    fc.array(strings(32), { maxLength: 20 }),
    fc.constantFrom(
      null,
      true,
      [],
      {},
      new Raw('{"toString":1,"valueOf":1}'),
      new Raw('{"__proto__":{"role":"admin"},"id":1}'),
    ),
  );

/** Characters text handling gets wrong: NUL (Postgres refuses it), a lone surrogate, astral. */
const EDGE_UNITS = ["\u0000", "\udfff", "🙂"];

/** A valid string bent: an edge character let in somewhere, or its numbers made long. */
function bentString(value: string) {
  const runs = value.match(/\d+/g)?.length ?? 0;
  return fc.oneof(
    fc
      .tuple(fc.constantFrom(...EDGE_UNITS), fc.nat({ max: value.length }))
      .map(([unit, at]) => value.slice(0, at) + unit + value.slice(at)),
    fc
      .array(fc.stringMatching(/^\d{1,20}$/), { minLength: runs, maxLength: runs })
      .map((digits) => value.replace(/\d+/g, () => digits.shift() ?? "")),
  );
}

/** The sample with each field kept, left out, bent or replaced, and now and then one more. */
function bent(sample: Record<string, unknown>, max: number, maxDepth: number) {
  const fields = Object.fromEntries(
    Object.entries(sample).map(([key, value]) => [
      key,
      fc.oneof(
        fc.constant(value),
        fc.constant(undefined),
        { weight: 2, arbitrary: anything(max, maxDepth) },
        ...(typeof value === "string" ? [{ weight: 2, arbitrary: bentString(value) }] : []),
      ),
    ]),
  );
  return fc
    .tuple(fc.record(fields), fc.option(fc.tuple(strings(16), anything(max, maxDepth))))
    .map(([record, extra]) => (extra ? { ...record, [extra[0]]: extra[1] } : record));
}

/**
 * The edges of one field, from its valid value: what every run tries before the random
 * inputs, so each kind of mistake meets each field whatever the random draw.
 */
function edgesOf(value: unknown, max: number, maxDepth: number): unknown[] {
  const any = [undefined, null, [], {}, new Raw("1e400"), nestedArrays(maxDepth)];
  if (typeof value === "string") {
    return [
      ...any,
      1,
      "x".repeat(max),
      ...EDGE_UNITS.map((unit) => `${value}${unit}`),
      // Numbers inside a string (a cursor) pushed to the longest a pattern might let through.
      value.replace(/\d+/g, "9".repeat(10)),
      value.replace(/\d+/, "9".repeat(15)),
    ];
  }
  if (typeof value === "number") {
    const huge = new Raw("123456789012345678901234567890");
    return [...any, -0, 0.5, -1, 2 ** 31, 2 ** 53 + 2, huge, ` ${value} `, "NaN", true];
  }
  if (Array.isArray(value)) {
    return [...any, Array(200).fill(value[0]), [null], [-1], ["x"], [new Raw("1e400")]];
  }
  return any;
}

function limitsOf(path: string) {
  // A query's or a subscription's input rides in the URL, which the HTTP server bounds (16 KiB
  // of headers).
  return procedureType(path) === "mutation" ? ([150_000, 20_000] as const) : ([600, 300] as const);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function inputs(path: string) {
  const [max, maxDepth] = limitsOf(path);
  const sample = SAMPLES[path];
  const whole = anything(max, maxDepth);
  const input = isRecord(sample)
    ? fc.oneof(whole, { weight: 3, arbitrary: bent(sample, max, maxDepth) })
    : whole;
  return input.map(toJson);
}

function examples(path: string): [string | undefined][] {
  const [max, maxDepth] = limitsOf(path);
  const sample = SAMPLES[path];
  const wholes = [undefined, null, [], "x", 0, new Raw("1e400"), nestedArrays(maxDepth)];
  const fields = isRecord(sample)
    ? Object.entries(sample).flatMap(([key, value]) =>
        edgesOf(value, max, maxDepth).map((edge) => ({ ...sample, [key]: edge })),
      )
    : [];
  return [...wholes, ...fields].map((input) => [input === undefined ? undefined : toJson(input)]);
}

const CALLERS = {
  anonymous: async () => ({}),
  // A new session each call: the fuzzer may sign it out, or change its password.
  admin: async () => ({
    authorization: `Bearer ${(await signedInRequest(api.runtime, 1)).token}`,
  }),
};

beforeAll(async () => {
  await seed(database.handle.sql, { users: 20, postsPerUser: 3, demo: true });
  api = await startTestApi(database, {
    maxBodyBytes: MAX_BODY_BYTES,
    auth: { dashboardOrigins: [TEST_DASHBOARD_ORIGIN], rateLimitMultiplier: 100_000 },
    // Runs in Inngest's console: no executor to reach, so every answer is the router's own.
    runs: { mode: "cloud" },
  });
});
afterAll(() => api?.stop());

/** An answer a client can use: JSON, and when refused, a message meant for a person. */
function expectReadable(answer: Awaited<ReturnType<typeof sendProcedure>>, sent: string) {
  const what = `${answer.status} ${answer.text.slice(0, 300)} ← ${sent.slice(0, 300)}`;
  expect(answer.status, what).toBeLessThan(500);
  expect(answer.body, what).toBeDefined();
  if (answer.status === 200) return;
  const message = answer.body?.error?.message;
  expect(message, what).toMatch(/[A-Za-z]{3}/);
  expect(message, what).not.toMatch(/internal server error/i);
}

describe("every procedure, fed arbitrary input over HTTP", () => {
  it("has a sample input for every procedure of the router", () => {
    const missing = Object.keys(appRouter._def.procedures).filter((path) => !(path in SAMPLES));
    expect(missing, "add a valid input for each, for the fuzzer to bend").toEqual([]);
  });

  const cases = Object.keys(SAMPLES).flatMap((path) =>
    Object.keys(CALLERS).map((caller) => [`${path} as ${caller}`, path, caller] as const),
  );
  it.for(cases)("%s answers below 500, readably", async ([, path, caller]) => {
    const edges = examples(path);
    await fc.assert(
      fc.asyncProperty(inputs(path), async (json: string | undefined) => {
        const headers = await CALLERS[caller as keyof typeof CALLERS]();
        expectReadable(await sendProcedure(api.base, path, json, headers), json ?? "");
      }),
      // Examples count in numRuns: every edge, then RUNS random inputs.
      { numRuns: edges.length + RUNS, examples: edges },
    );
  });
});

describe("requests the HTTP layer refuses", () => {
  const post = (path: string, body: string | ReadableStream<Uint8Array>, init: RequestInit = {}) =>
    fetch(`${api.base}/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      ...init,
    });
  const readable = async (res: Response) =>
    ((await res.json()) as { error: { message: string } }).error.message;

  it("answers 413 to a body over the limit, before parsing it or running anything", async () => {
    // Not JSON either, and from nobody: the size is what is refused, before anything reads
    // it as JSON or asks who is calling.
    const oversized = `{"title": "${"x".repeat(MAX_BODY_BYTES)}`;
    const res = await post("posts.create", oversized);
    expect(res.status).toBe(413);
    expect(await readable(res)).toMatch(/[A-Za-z]{3}/);

    // A procedure that takes no input is not run either: the session is not ended.
    const token = (await signedInRequest(api.runtime, 2)).token;
    const signOut = await post("auth.signOut", oversized, {
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    });
    expect(signOut.status).toBe(413);
    const me = await sendProcedure(api.base, "auth.me", undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(me.body?.result?.data).toMatchObject({ kind: "user", id: 2 });

    // Sent in chunks with no Content-Length, it is cut off as it arrives.
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const chunked = await post("posts.create", stream, { duplex: "half" } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it("answers 400 to JSON that does not parse, in a body or in ?input=", async () => {
    const body = await post("auth.signIn", '{"email": "member@brisk.dev", "password": ');
    expect(body.status).toBe(400);
    expect(await readable(body)).toMatch(/JSON/);

    const query = await fetch(`${api.base}/users.byId?input=${encodeURIComponent("{id: 1}")}`);
    expect(query.status).toBe(400);
    expect(await readable(query)).toMatch(/JSON/);
  });

  it("answers 400 to a batch of more calls than allowed, and serves one at the limit", async () => {
    const batch = (n: number) => Array.from({ length: n }, () => "tags.list").join(",");
    const tooMany = await fetch(`${api.base}/${batch(101)}?batch=1`);
    expect(tooMany.status).toBe(400);
    expect(await readable(tooMany)).toBe("Batch call exceeds maximum size");

    const mutations = await post(
      `${Array.from({ length: 101 }, () => "auth.signOut").join(",")}?batch=1`,
      "{}",
    );
    expect(mutations.status).toBe(400);

    const atTheLimit = await fetch(`${api.base}/${batch(100)}?batch=1`);
    expect(atTheLimit.status).toBe(200);
    expect(await atTheLimit.json()).toHaveLength(100);
  });
});

describe("after all of it", () => {
  it("the api is still up and ready", async () => {
    expect((await fetch(`${api.origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${api.origin}/readyz`)).status).toBe(200);
  });
});
