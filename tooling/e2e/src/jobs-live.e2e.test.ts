import path from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN, signedInPage } from "./accounts";
import { artifacts, useStack } from "./stack";

// The dev mailbox (no SMTP_URL): the welcome email goes through at its first attempt.
const stack = useStack({ users: 5, postsPerUser: 1, demo: true }, { jobs: true });

describe("the Jobs page, live", () => {
  it("shows a run that starts and completes after the page was opened, without a reload", async () => {
    const page = await signedInPage(stack, ADMIN.email);
    await page.goto(`${stack.web}/jobs`);
    // Connected: the SSE stream through the dashboard's /trpc route to apps/api is open.
    await page.locator('[data-testid="jobs-live"][data-status="pending"]').waitFor();
    expect(await page.getByTestId("jobs-live").textContent()).toBe("Live");
    const rows = page.getByTestId("job-row").filter({ hasText: "Send the welcome email" });
    const before = await rows.count();
    // Survives only as long as the document does: a reload would drop it.
    await page.evaluate(() => {
      (globalThis as unknown as { stillHere: boolean }).stillHere = true;
    });

    const visitor = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await visitor.goto(`${stack.web}/sign-up`);
    const signUp = visitor.getByRole("form", { name: "Create an account" });
    await signUp.getByLabel("Name").fill("Lena Live");
    await signUp.getByLabel("Email").fill("lena@example.com");
    await signUp.getByLabel("Password").fill("lanterns over harbour");
    await signUp.getByRole("button", { name: "Create account" }).click();
    await visitor.waitForURL((url) => url.pathname !== "/sign-up");
    await visitor.close();

    // No navigation from here: the page reads its own DOM as progress arrives.
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(before + 1);
    const run = rows.first();
    await expect
      .poll(() => run.getByTestId("run-status").textContent(), { timeout: 30_000 })
      .toBe("completed");
    expect(
      await page.evaluate(() => (globalThis as unknown as { stillHere?: boolean }).stillHere),
    ).toBe(true);
    await page.screenshot({ path: path.join(artifacts, "jobs-live.png"), fullPage: true });

    await run.getByRole("link").click();
    await page.waitForURL(/\/jobs\/[0-9a-f-]+$/);
    await page.locator('[data-testid="jobs-live"][data-status="pending"]').waitFor();
    expect(
      await page.getByRole("heading", { level: 1 }).getByTestId("run-status").textContent(),
    ).toBe("completed");
    await page.screenshot({ path: path.join(artifacts, "job-run-live.png"), fullPage: true });
    await page.close();
  });
});
