import path from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN, MEMBER, signedInPage } from "./accounts";
import { artifacts, useStack } from "./stack";

const stack = useStack({ users: 5, postsPerUser: 1, demo: true });

const HTML = `<!doctype html><html><body style="font-family: sans-serif; padding: 24px">
<h1 style="color: #2443a8">Welcome to Brisk, Rin</h1>
<p>Your account is ready. <a href="https://brisk.example/sign-in">Sign in</a> to start writing.</p>
<script>document.body.dataset.ran = "yes"</script>
</body></html>`;

describe("Dev mailbox page", () => {
  it("says where emails come from while there are none, and is for admins", async () => {
    const member = await signedInPage(stack, MEMBER.email);
    await member.goto(`${stack.web}/mailbox`);
    expect(await member.getByTestId("admins-only").isVisible()).toBe(true);
    await member.close();

    const page = await signedInPage(stack, ADMIN.email);
    await page.goto(`${stack.web}/mailbox`);
    const empty = page.getByTestId("mailbox-empty");
    expect(await empty.textContent()).toContain("Emails appear here when Brisk sends them");
    await page.close();
  });

  it("lists an email the mailbox stored and shows its HTML in a sandbox, and its text", async () => {
    await stack.sql`
      insert into emails ("to", subject, text, html, kind, status, sent_at)
      values ('rin@brisk.dev', 'Older email', 'Older', null, 'invitation', 'queued', null),
             ('rin@brisk.dev', 'Welcome to Brisk', ${"Welcome to Brisk, Rin.\n\nYour account is ready."},
              ${HTML}, 'welcome', 'sent', now())`;

    const page = await signedInPage(stack, ADMIN.email);
    await page.goto(`${stack.web}/mailbox`);
    const rows = page.getByTestId("mailbox-row");
    expect(await rows.count()).toBe(2);
    // Newest first.
    expect(await rows.first().textContent()).toContain("Welcome to Brisk");
    expect(await rows.first().textContent()).toContain("rin@brisk.dev");
    expect(await rows.nth(1).textContent()).toContain("queued");
    await page.screenshot({ path: path.join(artifacts, "mailbox.png"), fullPage: true });

    await rows.first().getByRole("link", { name: "Welcome to Brisk" }).click();
    await page.waitForURL(/\/mailbox\/\d+$/);
    const frame = page.getByTestId("email-html");
    expect(await frame.getAttribute("sandbox")).toBe("");
    const inside = page.frameLocator('[data-testid="email-html"]');
    await expect
      .poll(() => inside.getByRole("heading").textContent())
      .toBe("Welcome to Brisk, Rin");
    // The sandbox ran none of the email's script.
    expect(await inside.locator("body").getAttribute("data-ran")).toBeNull();
    expect(await page.getByTestId("email-text").textContent()).toBe(
      "Welcome to Brisk, Rin.\n\nYour account is ready.",
    );
    await page.screenshot({ path: path.join(artifacts, "mailbox-email.png"), fullPage: true });
    await page.close();
  });
});
