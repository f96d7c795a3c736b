import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { signedInName, submitSignIn } from "./accounts";
import { artifacts, useStack } from "./stack";

const stack = useStack({ users: 2, postsPerUser: 1, demo: true });

const EMAIL = "casey@example.com";
const OLD_PASSWORD = "copper kettle morning";
const NEW_PASSWORD = "lantern over the harbour";

/** Where the page is, path and query: where a redirect led. */
const address = (page: Page) => {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
};

describe("the Account page", () => {
  it("renames a member and changes their password, signing out their other sessions", async () => {
    // Browser A signs up from the Posts page, then opens Account from the user menu.
    const a = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await a.goto(`${stack.web}/posts`);
    await a.getByRole("link", { name: "Create account" }).click();
    const signUp = a.getByRole("form", { name: "Create an account" });
    await signUp.getByLabel("Name").fill("Casey Fielding");
    await signUp.getByLabel("Email").fill(EMAIL);
    await signUp.getByLabel("Password").fill(OLD_PASSWORD);
    await signUp.getByRole("button", { name: "Create account" }).click();
    await a.waitForURL(/\/posts$/);
    await expect.poll(() => signedInName(a)).toBe("Casey Fielding");
    const menuLink = a.getByTestId("user-menu").getByRole("link");
    await menuLink.click();
    await a.waitForURL(/\/account$/);
    await a.getByRole("heading", { name: "Account", level: 1 }).waitFor();
    expect(await menuLink.getAttribute("aria-current")).toBe("page");
    const facts = await a.getByTestId("account-facts").textContent();
    expect(facts).toContain(EMAIL);
    expect(facts).toContain("member");

    // Browser B: the page needs an account, so sign-in comes first and leads back to it.
    const b = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await b.goto(`${stack.web}/account`);
    await b.waitForURL(/\/sign-in\?next=%2Faccount$/);
    await submitSignIn(b, EMAIL, OLD_PASSWORD);
    await b.waitForURL(/\/account$/);
    expect(await signedInName(b)).toBe("Casey Fielding");

    // A name is required, told beside the field; then the new name shows in the menu at once.
    const nameForm = a.getByRole("form", { name: "Your name" });
    const name = nameForm.getByLabel("Name");
    expect(await name.inputValue()).toBe("Casey Fielding");
    await name.fill("   ");
    await nameForm.getByRole("button", { name: "Save name" }).click();
    await nameForm.getByText("A name is required").waitFor();
    expect(await name.getAttribute("aria-invalid")).toBe("true");
    await name.fill("Casey Holloway");
    await nameForm.getByRole("button", { name: "Save name" }).click();
    await nameForm.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await expect.poll(() => signedInName(a)).toBe("Casey Holloway");
    expect(await name.inputValue()).toBe("Casey Holloway");
    expect(await name.getAttribute("aria-invalid")).toBeNull();
    // B's session sees the new name too.
    await expect
      .poll(async () => {
        await b.reload();
        return signedInName(b);
      })
      .toBe("Casey Holloway");
    await a.screenshot({ path: path.join(artifacts, "account.png") });

    // A wrong current password is told beside its field, and nothing changes.
    const passwordForm = a.getByRole("form", { name: "Change password" });
    const current = passwordForm.getByLabel("Current password");
    const fresh = passwordForm.getByLabel("New password");
    expect(await passwordForm.textContent()).toContain("At least 10 characters");
    await current.fill("copper kettle evening");
    await fresh.fill(NEW_PASSWORD);
    await passwordForm.getByRole("button", { name: "Change password" }).click();
    await passwordForm.getByText("That is not your current password").waitFor();
    expect(await current.getAttribute("aria-invalid")).toBe("true");
    expect(await fresh.getAttribute("aria-invalid")).toBeNull();
    await a.screenshot({ path: path.join(artifacts, "account-password-error.png") });

    await current.fill(OLD_PASSWORD);
    await fresh.fill(NEW_PASSWORD);
    await passwordForm.getByRole("button", { name: "Change password" }).click();
    await passwordForm
      .getByRole("status")
      .filter({ hasText: "Password changed. 1 other session was signed out." })
      .waitFor();
    expect(await current.inputValue()).toBe("");

    // B's session has ended: a page that needs an account sends B to sign in.
    await expect
      .poll(async () => {
        await b.goto(`${stack.web}/account`);
        return address(b);
      })
      .toBe("/sign-in?next=%2Faccount");
    expect(await signedInName(b)).toBeNull();
    // A's own session goes on.
    await a.reload();
    await expect.poll(() => signedInName(a)).toBe("Casey Holloway");
    expect(address(a)).toBe("/account");

    // The old password no longer signs in; the new one does.
    await submitSignIn(b, EMAIL, OLD_PASSWORD);
    await b
      .getByRole("form", { name: "Sign in" })
      .getByRole("alert")
      .filter({ hasText: "Wrong email or password." })
      .waitFor();
    await submitSignIn(b, EMAIL, NEW_PASSWORD);
    await b.waitForURL(/\/account$/);
    expect(await signedInName(b)).toBe("Casey Holloway");

    // Wrong current passwords count as failed sign-ins (two so far): past five, the form says
    // when to try again instead of checking.
    for (let attempt = 1; attempt <= 3; attempt++) {
      await current.fill(`wrong password ${attempt}`);
      await fresh.fill("another fine phrase");
      await passwordForm.getByRole("button", { name: "Change password" }).click();
      // Answered once the form is reset (passwords are never filled in again).
      await expect.poll(() => current.inputValue()).toBe("");
      expect(await current.getAttribute("aria-invalid")).toBe("true");
    }
    await current.fill(NEW_PASSWORD);
    await fresh.fill("another fine phrase");
    await passwordForm.getByRole("button", { name: "Change password" }).click();
    const alert = passwordForm.getByRole("alert");
    await alert.filter({ hasText: "Too many wrong passwords for this account" }).waitFor();
    expect(await alert.textContent()).toMatch(/Try again in \d+ minutes\.$/);

    await a.close();
    await b.close();
  });
});
