import { describe, expect, it } from "vitest";
import { createBulkhead, isBulkheadFull } from "./bulkhead";

describe("createBulkhead", () => {
  it("runs `limit` calls, queues `queue` more, and refuses the rest at once", async () => {
    const bulkhead = createBulkhead(1, 1);
    let finish!: () => void;
    const first = bulkhead.execute(() => new Promise<void>((resolve) => (finish = resolve)));
    const second = bulkhead.execute(async () => "second");
    expect(bulkhead.load).toBe(2);
    const third = await bulkhead.execute(async () => "third").catch((e: unknown) => e);
    expect(isBulkheadFull(third)).toBe(true);
    finish();
    await first;
    expect(await second).toBe("second");
    expect(bulkhead.load).toBe(0);
  });
});
