import { DEMO_PASSWORD } from "@brisk/db/seed";
import type { Page } from "playwright-core";
import type { Stack } from "./stack";

/** The seed's demo accounts (password DEMO_PASSWORD): ids 1 (admin), 2, 3 and 4 (members). */
export const ADMIN = { id: 1, name: "Avery Admin", email: "admin@brisk.dev" };
export const MEMBER = { id: 2, name: "Morgan Member", email: "member@brisk.dev" };
export const RIN = { id: 3, name: "Rin Takahashi", email: "rin@brisk.dev" };

/** Fills the sign-in form on the page it is on and sends it. */
export async function submitSignIn(page: Page, email: string, password: string) {
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(password);
  await form.getByRole("button", { name: "Sign in" }).click();
}

/** Signs the page's browser context in through the form, as a person does, and waits. */
export async function signIn(page: Page, web: string, email: string, password = DEMO_PASSWORD) {
  await page.goto(`${web}/sign-in`);
  await submitSignIn(page, email, password);
  await page.waitForURL((url) => url.pathname !== "/sign-in");
}

/** A new page (its own cookies) signed in as `email`. */
export async function signedInPage(
  stack: Stack,
  email: string,
  viewport = { width: 1280, height: 900 },
): Promise<Page> {
  const page = await stack.browser.newPage({ viewport });
  await signIn(page, stack.web, email);
  return page;
}

/** The name the sidebar's user menu shows, or null when it offers to sign in. */
export async function signedInName(page: Page): Promise<string | null> {
  const menu = page.getByTestId("user-menu");
  if ((await menu.count()) === 0) return null;
  return menu.getByTestId("user-name").textContent();
}
