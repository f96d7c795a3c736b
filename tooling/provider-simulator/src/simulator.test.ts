import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createProviderSimulator, DEFAULT_KEYS } from "./simulator";

const simulator = createProviderSimulator({ latencyMs: { pageviews: 5, revenue: 5 } });
let base = "";
beforeAll(async () => {
  base = `http://127.0.0.1:${await simulator.listen(0)}`;
});
afterAll(() => simulator.close());
beforeEach(() => fetch(`${base}/_control/reset`, { method: "POST" }));

const statsUrl = (provider: string, id = 7) =>
  `${base}/${provider}/v1/authors/${id}/stats?from=2026-01-01&to=2026-01-31`;
const get = (provider: "pageviews" | "revenue", id = 7) =>
  fetch(statsUrl(provider, id), { headers: { "x-api-key": DEFAULT_KEYS[provider] } });
const setFault = (provider: string, fault: unknown) =>
  fetch(`${base}/_control/faults`, { method: "PUT", body: JSON.stringify({ provider, fault }) });

describe("provider simulator", () => {
  it("answers the same figures for the same author and range, and checks the key", async () => {
    type Views = { views: number; daily: { views: number }[] };
    const first = (await (await get("pageviews")).json()) as Views;
    const again = (await (await get("pageviews")).json()) as Views;
    expect(first).toEqual(again);
    expect(first.daily).toHaveLength(31);
    expect(first.views).toBe(first.daily.reduce((sum, d) => sum + d.views, 0));
    const revenue = (await (await get("revenue")).json()) as { currency: string };
    expect(["EUR", "GBP", "USD"]).toContain(revenue.currency);
    expect((await fetch(statsUrl("pageviews"))).status).toBe(401);
  });

  it("fails as told through the control endpoint, `times` times, then answers again", async () => {
    expect((await setFault("pageviews", { kind: "error", times: 2 })).status).toBe(200);
    expect((await get("pageviews")).status).toBe(503);
    expect((await get("pageviews")).status).toBe(503);
    expect((await get("pageviews")).status).toBe(200);
    expect(simulator.stats().pageviews).toEqual({ requests: 3, faulted: 2 });
  });

  it("answers 429 with Retry-After, malformed bodies and resets", async () => {
    await setFault("pageviews", { kind: "rate-limit", retryAfterS: 2, times: 1 });
    const limited = await get("pageviews");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");

    await setFault("pageviews", { kind: "malformed", times: 1 });
    await expect((await get("pageviews")).json()).rejects.toThrow();

    await setFault("pageviews", { kind: "reset", times: 1 });
    await expect(get("pageviews")).rejects.toThrow();
  });

  it("never answers a request a timeout fault holds", async () => {
    await setFault("revenue", { kind: "timeout" });
    const outcome = await fetch(statsUrl("revenue"), {
      headers: { "x-api-key": DEFAULT_KEYS.revenue },
      signal: AbortSignal.timeout(500),
    }).then(
      () => "answered",
      (e: Error) => e.name,
    );
    expect(outcome).toBe("TimeoutError");
    expect(simulator.stats().revenue).toEqual({ requests: 1, faulted: 1 });
  });

  it("refuses a control request it cannot read", async () => {
    expect((await setFault("pageviews", { kind: "explode" })).status).toBe(400);
  });
});
