import { describe, expect, it } from "vitest";
import { isTimeout, withTimeout } from "./timeout";

describe("withTimeout", () => {
  it("gives the work's result when it is in time", async () => {
    expect(await withTimeout(1_000, async () => 42)).toBe(42);
  });

  it("rejects when time runs out, even if the work ignores its signal, and aborts the signal", async () => {
    let seen: AbortSignal | undefined;
    const never = withTimeout(20, (signal) => {
      seen = signal;
      return new Promise<never>(() => {});
    });
    const error = await never.catch((e: unknown) => e);
    expect(isTimeout(error)).toBe(true);
    expect(seen?.aborted).toBe(true);
  });

  it("passes the work's own failure through, not as a timeout", async () => {
    const error = await withTimeout(1_000, () => Promise.reject(new Error("no"))).catch(
      (e: unknown) => e,
    );
    expect(isTimeout(error)).toBe(false);
    expect((error as Error).message).toBe("no");
  });
});
