import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createBreaker, isRefusal } from "./breaker";

// Cockatiel reads the cooldown off Date.now: a fake clock makes each step exact.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

const fail = () => Promise.reject(new Error("down"));
const succeed = () => Promise.resolve("ok");

/** What one call came to: its value, "failed" (it ran and threw) or "refused" (it never ran). */
async function outcome(breaker: ReturnType<typeof createBreaker>, call: () => Promise<string>) {
  let ran = false;
  try {
    return await breaker.execute(() => {
      ran = true;
      return call();
    });
  } catch (error) {
    expect(ran).toBe(!isRefusal(error));
    return isRefusal(error) ? "refused" : "failed";
  }
}

describe("createBreaker", () => {
  it("opens after the threshold of consecutive failures and refuses until the cooldown", async () => {
    const breaker = createBreaker({ failureThreshold: 3, cooldownMs: 1_000 });
    expect(await outcome(breaker, fail)).toBe("failed");
    expect(await outcome(breaker, succeed)).toBe("ok");
    for (let i = 0; i < 3; i++) expect(await outcome(breaker, fail)).toBe("failed");
    expect(breaker.state).toBe("open");
    expect(await outcome(breaker, succeed)).toBe("refused");
    vi.advanceTimersByTime(999);
    expect(await outcome(breaker, succeed)).toBe("refused");
  });

  it("lets one probe through after the cooldown, refusing the others meanwhile", async () => {
    const breaker = createBreaker({ failureThreshold: 1, cooldownMs: 1_000 });
    await outcome(breaker, fail);
    vi.advanceTimersByTime(1_000);
    let finishProbe!: (value: string) => void;
    const probe = outcome(breaker, () => new Promise<string>((resolve) => (finishProbe = resolve)));
    expect(breaker.state).toBe("half-open");
    expect(await outcome(breaker, succeed)).toBe("refused");
    finishProbe("ok");
    expect(await probe).toBe("ok");
    expect(breaker.state).toBe("closed");
    expect(await outcome(breaker, succeed)).toBe("ok");
  });

  it("reopens for another cooldown when the probe fails", async () => {
    const breaker = createBreaker({ failureThreshold: 1, cooldownMs: 1_000 });
    await outcome(breaker, fail);
    vi.advanceTimersByTime(1_000);
    expect(await outcome(breaker, fail)).toBe("failed");
    expect(breaker.state).toBe("open");
    expect(await outcome(breaker, succeed)).toBe("refused");
  });
});
