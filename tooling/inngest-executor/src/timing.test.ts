import { describe, expect, it } from "vitest";
import { inngestBackoff, resolveTime, retryAfterMs } from "./timing";

describe("resolveTime", () => {
  const now = Date.parse("2026-12-01T00:00:00.000Z");

  it("reads the SDK's duration strings and sleepUntil's ISO dates", () => {
    expect(resolveTime("1s", now)).toBe(now + 1_000);
    expect(resolveTime("1d2h3m4s", now)).toBe(now + 86_400_000 + 7_200_000 + 180_000 + 4_000);
    expect(resolveTime("1w", now)).toBe(now + 604_800_000);
    expect(resolveTime("2026-12-02T00:00:00.000Z", now)).toBe(now + 86_400_000);
    expect(resolveTime("soon", now)).toBeNull();
  });
});

describe("retryAfterMs", () => {
  it("takes seconds or a date, and nothing else", () => {
    const now = Date.parse("2026-12-01T00:00:00.000Z");
    expect(retryAfterMs("2", now)).toBe(2_000);
    expect(retryAfterMs("2026-12-01T00:00:05.000Z", now)).toBe(5_000);
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs("later", now)).toBeNull();
  });
});

describe("inngestBackoff", () => {
  it("follows Inngest's table with up to 30 s of jitter, capped at two hours", () => {
    const within = (attempt: number, seconds: number) => {
      const delay = inngestBackoff(attempt);
      expect(delay).toBeGreaterThanOrEqual(seconds * 1_000);
      expect(delay).toBeLessThan((seconds + 30) * 1_000);
    };
    within(0, 15);
    within(1, 30);
    within(4, 300);
    within(9, 7_200);
    within(50, 7_200);
  });
});
