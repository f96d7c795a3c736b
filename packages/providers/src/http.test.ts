import { createProviderSimulator, DEFAULT_KEYS } from "@brisk/provider-simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProviders, type ProvidersSettings } from "./clients";
import { ProviderCallError } from "./http";

const simulator = createProviderSimulator({ latencyMs: { pageviews: 5, revenue: 5 } });
let providers: ReturnType<typeof createProviders>;
const calls: string[] = [];

beforeAll(async () => {
  const base = `http://127.0.0.1:${await simulator.listen(0)}`;
  const one = (name: "pageviews" | "social" | "search" | "newsletter" | "revenue") => ({
    baseUrl: `${base}/${name}`,
    apiKey: DEFAULT_KEYS[name],
    timeoutMs: 1_000,
  });
  const settings: ProvidersSettings = {
    providers: {
      pageviews: one("pageviews"),
      social: one("social"),
      search: one("search"),
      newsletter: one("newsletter"),
      revenue: { ...one("revenue"), apiKey: "wrong" },
    },
    concurrency: 4,
    breaker: { failureThreshold: 100, cooldownMs: 1_000 },
    retry: { maxRetries: 3, baseMs: 5, maxMs: 20 },
  };
  providers = createProviders(settings, {
    called: (provider, outcome) => calls.push(`${provider}:${outcome}`),
    retried: (provider) => calls.push(`${provider}:retry`),
  });
});
afterAll(async () => {
  await providers.close();
  await simulator.close();
});

const query = { authorId: 3, from: "2026-03-01", to: "2026-03-07" };
const failure = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (error: unknown) => error as ProviderCallError,
  );

describe("provider HTTP layer", () => {
  it("retries connection resets and answers once the provider does", async () => {
    simulator.setFault("pageviews", { kind: "reset", times: 2 });
    const answer = await providers.fetch("pageviews", query);
    expect(answer.attempts).toBe(3);
    expect(answer.figures.daily).toHaveLength(7);
    expect(calls.filter((c) => c === "pageviews:retry")).toHaveLength(2);
  });

  it("gives up at its timeout on a provider that never answers", async () => {
    simulator.setFault("pageviews", { kind: "timeout" });
    const error = await failure(providers.fetch("pageviews", query));
    simulator.clearFaults();
    expect(error).toBeInstanceOf(ProviderCallError);
    expect(error?.outcome).toBe("timed-out");
    expect(calls).toContain("pageviews:timed-out");
  });

  it("does not retry a refused key: a 401 would fail again", async () => {
    const error = await failure(providers.fetch("revenue", query));
    expect(error?.outcome).toBe("failed");
    expect(error?.attempts).toBe(1);
    expect(error?.message).toMatch(/401/);
  });
});
