import path from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN, signedInPage } from "./accounts";
import { artifacts, useStack } from "./stack";

const stack = useStack({ users: 5, postsPerUser: 1, demo: true }, { jobs: true });

describe("background jobs", () => {
  it("welcomes a new member: the sign-up's event reaches the executor, and the email the Mailbox page", async () => {
    const visitor = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await visitor.goto(`${stack.web}/sign-up`);
    const signUp = visitor.getByRole("form", { name: "Create an account" });
    await signUp.getByLabel("Name").fill("Wren Welcome");
    await signUp.getByLabel("Email").fill("wren@example.com");
    await signUp.getByLabel("Password").fill("lanterns over harbour");
    await signUp.getByRole("button", { name: "Create account" }).click();
    await visitor.waitForURL((url) => url.pathname !== "/sign-up");
    await visitor.close();

    // Outbox, relay, executor, the api's function, the dev mailbox: seconds, not a request.
    const page = await signedInPage(stack, ADMIN.email);
    const welcome = page.getByTestId("mailbox-row").filter({ hasText: "wren@example.com" });
    await expect
      .poll(
        async () => {
          await page.goto(`${stack.web}/mailbox`);
          return welcome.count();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(1);
    expect(await welcome.textContent()).toContain("welcome");
    await page.screenshot({ path: path.join(artifacts, "mailbox-welcome.png"), fullPage: true });

    await welcome.getByRole("link").first().click();
    await page.waitForURL(/\/mailbox\/\d+$/);
    const inside = page.frameLocator('[data-testid="email-html"]');
    await expect.poll(() => inside.locator("body").textContent()).toContain("Wren Welcome");
    await page.close();

    // Exactly once, whatever the retries: one welcome row for the user.
    const [row] = await stack.sql<{ n: number }[]>`
      select count(*)::int as n from emails where "to" = 'wren@example.com' and kind = 'welcome'`;
    expect(row?.n).toBe(1);
  });
});
