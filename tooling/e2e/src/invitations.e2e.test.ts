import path from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN, signedInName, signedInPage } from "./accounts";
import { artifacts, useStack } from "./stack";

const stack = useStack({ users: 5, postsPerUser: 1, demo: true }, { jobs: true });

describe("invitations", () => {
  it("an admin invites an author, who follows the emailed link, sets a password and is signed in", async () => {
    const admin = await signedInPage(stack, ADMIN.email);
    await admin.goto(`${stack.web}/authors`);
    const invite = admin.getByRole("form", { name: "Invite an author" });
    await invite.getByLabel("Name").fill("Iris Invitee");
    await invite.getByLabel("Email").fill("iris@example.com");
    await invite.getByRole("button", { name: "Invite" }).click();
    await expect
      .poll(() => invite.getByRole("status").textContent())
      .toBe("Invitation sent to iris@example.com");
    await admin.screenshot({ path: path.join(artifacts, "invite.png"), fullPage: true });

    // Outbox, relay, executor, the api's function, the dev mailbox: seconds, not a request.
    const row = admin.getByTestId("mailbox-row").filter({ hasText: "iris@example.com" });
    await expect
      .poll(
        async () => {
          await admin.goto(`${stack.web}/mailbox`);
          return row.count();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(1);
    expect(await row.textContent()).toContain("invitation");
    await row.getByRole("link").first().click();
    await admin.waitForURL(/\/mailbox\/\d+$/);
    const link = admin
      .frameLocator('[data-testid="email-html"]')
      .getByRole("link", { name: "Set your password" });
    const href = await link.getAttribute("href");
    expect(href).toMatch(new RegExp(`^${stack.web}/invitation/[A-Za-z0-9_-]{43}$`));
    await admin.close();

    const invitee = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await invitee.goto(href!);
    const form = invitee.getByRole("form", { name: "Set your password" });
    // Too close to the account first: told beside the field, and the link still works.
    await form.getByLabel("Password").fill("iris invitee's words");
    await form.getByRole("button", { name: "Set password and sign in" }).click();
    await expect
      .poll(() => form.getByText("A password must not contain your name or email").count())
      .toBe(1);
    await form.getByLabel("Password").fill("lanterns over harbour");
    await invitee.screenshot({ path: path.join(artifacts, "invitation.png"), fullPage: true });
    await form.getByRole("button", { name: "Set password and sign in" }).click();
    await invitee.waitForURL((url) => url.pathname === "/posts");
    expect(await signedInName(invitee)).toBe("Iris Invitee");

    // The link worked once: opened again, it says so and offers to sign in.
    await invitee.goto(href!);
    await form.getByLabel("Password").fill("another harbour lantern");
    await form.getByRole("button", { name: "Set password and sign in" }).click();
    const alert = form.getByRole("alert");
    await expect
      .poll(() => alert.textContent())
      .toContain("This invitation has been used already: sign in with your password.");
    expect(await alert.getByRole("link", { name: "Sign in" }).count()).toBe(1);
    await invitee.close();

    const [sent] = await stack.sql<{ n: number }[]>`
      select count(*)::int as n from emails where "to" = 'iris@example.com' and kind = 'invitation'`;
    expect(sent?.n).toBe(1);
  });
});
