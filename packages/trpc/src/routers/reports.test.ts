import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { createProviderSimulator, DEFAULT_KEYS, PROVIDERS } from "@brisk/provider-simulator";
import { PROVIDER_NAMES } from "@brisk/providers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ProvidersConfig } from "../provider-access";
import { internalRequest } from "../request";
import type { Runtime } from "../runtime";
import { createTestRuntime, signedInRequest } from "../testing";

const database = useTestDatabase();
const simulator = createProviderSimulator();
let baseUrl = "";

/** Generous timeouts, so a slow machine never turns a healthy provider into a timed-out one. */
const TIMEOUT_MS = 3_000;
function providersConfig(freshMs: number): ProvidersConfig {
  return {
    providers: Object.fromEntries(
      PROVIDER_NAMES.map((name) => [
        name,
        { baseUrl: `${baseUrl}/${name}`, apiKey: DEFAULT_KEYS[name], timeoutMs: TIMEOUT_MS },
      ]),
    ) as ProvidersConfig["providers"],
    concurrency: 8,
    breaker: { failureThreshold: 2, cooldownMs: 300 },
    retry: { maxRetries: 3, baseMs: 10, maxMs: 50 },
    cache: true,
    freshMs,
  };
}
const memoryCache = {
  memory: { maxStaleMs: 5_000, maxEntries: 1_000, maxBytes: 10_000_000, alone: true },
};

const runtimes: Runtime[] = [];
function runtimeWith(freshMs: number, requestTimeoutMs?: number) {
  const runtime = createTestRuntime(database, {
    cache: memoryCache,
    providers: providersConfig(freshMs),
    telemetry: { perCall: false },
    ...(requestTimeoutMs ? { requestTimeoutMs } : {}),
  });
  runtimes.push(runtime);
  return runtime;
}

let runtime: Runtime;
beforeAll(async () => {
  baseUrl = `http://127.0.0.1:${await simulator.listen(0)}`;
  await seed(database.handle.sql, { users: 5, postsPerUser: 4 });
  runtime = runtimeWith(60 * 60 * 1000);
});
afterAll(async () => {
  for (const r of runtimes) await r.close();
  await simulator.close();
});
beforeEach(() => simulator.clearFaults());

/** Each test reads its own range, so answers another test cached never reach it. */
let month = 0;
function nextRange() {
  month += 1;
  const m = String(month).padStart(2, "0");
  return { from: `2025-${m}-01`, to: `2025-${m}-28` };
}

async function as(userId: number, r = runtime) {
  const { request } = await signedInRequest(r, userId);
  return r.caller(request);
}

const requestsTo = (provider: (typeof PROVIDERS)[number]) => simulator.stats()[provider].requests;

describe("reports.snapshot", () => {
  it("gives our numbers and all five providers', then the cached answers", async () => {
    const range = nextRange();
    const first = await (await as(2)).reports.snapshot({ authorId: 2, ...range });
    expect(first.ours.author.id).toBe(2);
    expect(first.ours.posts).toBeGreaterThanOrEqual(0);
    for (const name of PROVIDER_NAMES) {
      expect(first.providers[name]).toMatchObject({
        status: "ok",
        attempts: 1,
        cache: "loaded",
        ageMs: 0,
      });
    }
    expect(first.providers.pageviews.figures?.daily).toHaveLength(28);
    expect(first.providers.revenue.figures?.amountUsd).toBeGreaterThan(0);

    const again = await (await as(2)).reports.snapshot({ authorId: 2, ...range });
    for (const name of PROVIDER_NAMES) {
      expect(again.providers[name]).toMatchObject({ status: "ok", attempts: 0, cache: "hit" });
      expect(again.providers[name].figures).toEqual(first.providers[name].figures);
    }
  });

  it("lets members read their own numbers and admins anyone's", async () => {
    const range = nextRange();
    await expect(
      runtime.caller(internalRequest("anonymous")).reports.snapshot({ authorId: 2, ...range }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect((await as(2)).reports.snapshot({ authorId: 3, ...range })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect((await (await as(1)).reports.snapshot({ authorId: 3, ...range })).ours.author.id).toBe(
      3,
    );
    const before = requestsTo("pageviews");
    await expect(
      (await as(1)).reports.snapshot({ authorId: 999_999, ...range }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(requestsTo("pageviews")).toBe(before);
    await expect(
      (await as(2)).reports.snapshot({ authorId: 2, from: "2025-02-01", to: "2025-01-01" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("answers within the timeout when one provider is slower than it: that part timed out", async () => {
    simulator.setFault("revenue", { kind: "slow", delayMs: 20_000 });
    const snapshot = await (await as(2)).reports.snapshot({ authorId: 2, ...nextRange() });
    expect(snapshot.providers.revenue).toMatchObject({
      status: "timed-out",
      figures: null,
      attempts: 1,
    });
    for (const name of PROVIDER_NAMES.filter((n) => n !== "revenue")) {
      expect(snapshot.providers[name].status).toBe("ok");
    }
  }, 10_000);

  it("keeps our numbers in the cache until the author's posts change", async () => {
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    // Up to today, so a post written now is in range.
    const range = { from: day(Date.now() - 300 * 86_400_000), to: day(Date.now()) };
    const caller = await as(3);
    const first = await caller.reports.snapshot({ authorId: 3, ...range });

    // A row written behind the api's back is not seen: the numbers came from the cache.
    await database.handle.sql`
      insert into posts (author_id, title, body, status) values (3, 'Unseen', 'one two', 'draft')`;
    const cached = await caller.reports.snapshot({ authorId: 3, ...range });
    expect(cached.ours).toEqual(first.ours);

    // A post written through the api invalidates the author's scope: both rows are counted.
    await caller.posts.create({ title: "Counted", body: "three words here", status: "draft" });
    const fresh = await caller.reports.snapshot({ authorId: 3, ...range });
    expect(fresh.ours.posts).toBe(first.ours.posts + 2);
    expect(fresh.ours.words).toBe(first.ours.words + 5);
  });

  it("waits for a provider's own timeout when that is longer than the request timeout", async () => {
    // A request timeout shorter than the providers' (3 s): the call's budget is theirs.
    const short = runtimeWith(60 * 60 * 1000, 1_000);
    simulator.setFault("revenue", { kind: "slow", delayMs: 20_000 });
    const snapshot = await (await as(2, short)).reports.snapshot({ authorId: 2, ...nextRange() });
    expect(snapshot.providers.revenue).toMatchObject({ status: "timed-out", attempts: 1 });
    expect(snapshot.providers.revenue.latencyMs).toBeGreaterThanOrEqual(TIMEOUT_MS);
  }, 10_000);

  it("retries a failing provider, opens its breaker, and closes it once the provider recovers", async () => {
    simulator.setFault("search", { kind: "error", status: 503 });
    const caller = await as(2);
    const before = requestsTo("search");
    const first = await caller.reports.snapshot({ authorId: 2, ...nextRange() });
    expect(first.providers.search).toMatchObject({ status: "failed", attempts: 4 });
    expect(requestsTo("search") - before).toBe(4);
    await caller.reports.snapshot({ authorId: 2, ...nextRange() });
    expect(runtime.providers?.clients.breakerStates().search).toBe("open");

    // Open: refused without a request.
    const held = requestsTo("search");
    const refused = await caller.reports.snapshot({ authorId: 2, ...nextRange() });
    expect(refused.providers.search).toMatchObject({ status: "failed", attempts: 0 });
    expect(requestsTo("search")).toBe(held);

    simulator.clearFaults();
    const deadline = Date.now() + 10_000;
    let recovered = refused;
    while (recovered.providers.search.status !== "ok" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      recovered = await caller.reports.snapshot({ authorId: 2, ...nextRange() });
    }
    expect(recovered.providers.search.status).toBe("ok");
    expect(runtime.providers?.clients.breakerStates().search).toBe("closed");

    const metrics = await runtime.metrics!.registry.metrics();
    expect(metrics).toMatch(/brisk_provider_retries_total\{provider="search"\} [1-9]/);
    expect(metrics).toMatch(
      /brisk_provider_calls_total\{provider="search",outcome="refused"\} [1-9]/,
    );
    expect(metrics).toMatch(/brisk_provider_breaker_state\{provider="search",state="closed"\} 1/);
  }, 20_000);

  it("fails a provider whose answer is malformed, without retrying it", async () => {
    simulator.setFault("social", { kind: "malformed" });
    const snapshot = await (await as(2)).reports.snapshot({ authorId: 2, ...nextRange() });
    expect(snapshot.providers.social).toMatchObject({ status: "failed", attempts: 1 });
    expect(snapshot.providers.social.error).toMatch(/malformed/);
  });

  it("waits as a 429's Retry-After asks, and gives up at once when that is past the timeout", async () => {
    simulator.setFault("newsletter", { kind: "rate-limit", retryAfterS: 1, times: 1 });
    const waited = await (await as(2)).reports.snapshot({ authorId: 2, ...nextRange() });
    expect(waited.providers.newsletter).toMatchObject({ status: "ok", attempts: 2 });

    simulator.setFault("newsletter", { kind: "rate-limit", retryAfterS: 60 });
    const before = requestsTo("newsletter");
    const refused = await (await as(2)).reports.snapshot({ authorId: 2, ...nextRange() });
    expect(refused.providers.newsletter).toMatchObject({ status: "failed", attempts: 1 });
    expect(refused.providers.newsletter.error).toMatch(/429/);
    expect(requestsTo("newsletter") - before).toBe(1);
  }, 10_000);

  it("serves every provider's cached answer, stale with its age, when all of them fail", async () => {
    // Fresh for no time at all: every call goes to the providers.
    const always = runtimeWith(0);
    await always.db.warm();
    const range = nextRange();
    const warm = await (await as(4, always)).reports.snapshot({ authorId: 4, ...range });
    for (const name of PROVIDER_NAMES) expect(warm.providers[name].status).toBe("ok");

    for (const name of PROVIDERS) simulator.setFault(name, { kind: "error", status: 500 });
    const stale = await (await as(4, always)).reports.snapshot({ authorId: 4, ...range });
    for (const name of PROVIDER_NAMES) {
      expect(stale.providers[name]).toMatchObject({ status: "stale", cache: "stale" });
      expect(stale.providers[name].ageMs).toBeGreaterThanOrEqual(0);
      expect(stale.providers[name].figures).toEqual(warm.providers[name].figures);
    }
    const metrics = await always.metrics!.registry.metrics();
    expect(metrics).toMatch(/brisk_provider_answers_total\{provider="revenue",source="stale"\} 1/);
    // Its age, for the alert on stale answers older than an hour: seconds old, under a minute.
    expect(metrics).toMatch(/brisk_provider_stale_age_seconds_count\{provider="revenue"\} 1/);
    expect(metrics).toMatch(
      /brisk_provider_stale_age_seconds_bucket\{le="60",provider="revenue"\} 1/,
    );
  });
});
