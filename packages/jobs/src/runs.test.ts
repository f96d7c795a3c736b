import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createRunsConsole, RunsError } from "./runs";

// The executor's real answers (runs, refusals by kind) are tested in packages/trpc's
// jobs.test.ts against its CLI; here, what needs no executor at all.

async function refusal(work: Promise<unknown>) {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RunsError);
  return error as RunsError;
}

describe("createRunsConsole in dev mode", () => {
  it("reports an executor that does not listen as unavailable, saying where it looked", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await refusal(
      createRunsConsole({ mode: "dev", url: `http://127.0.0.1:${port}` }).list({ limit: 5 }),
    );
    expect(error.kind).toBe("unavailable");
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });
});

describe("createRunsConsole in cloud mode", () => {
  it("gives the console's address and lists nothing of its own", async () => {
    const cloud = createRunsConsole({ mode: "cloud" });
    expect(cloud.consoleUrl).toBe("https://app.inngest.com");
    expect((await refusal(cloud.list({ limit: 5 }))).kind).toBe("elsewhere");
    expect(
      createRunsConsole({ mode: "cloud", baseUrl: "https://inngest.internal/" }).consoleUrl,
    ).toBe("https://inngest.internal");
  });
});
