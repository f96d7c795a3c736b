import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ADMIN, MEMBER, RIN, signedInName, signedInPage, submitSignIn } from "./accounts";
import { artifacts, useStack } from "./stack";

// The 4 demo accounts and 2 more authors, with 3 posts each, all published: every post fits
// on the first page of the Posts list (20).
const stack = useStack({ users: 2, postsPerUser: 3, demo: true });

/** A tRPC mutation sent from the page itself: its origin, its session cookie. */
function mutateFromPage(page: Page, procedure: string, input: unknown) {
  return page.evaluate(
    async ({ procedure, input }) => {
      const res = await fetch(`/trpc/${procedure}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(input),
      });
      const body = (await res.json()) as { error?: { message?: string } };
      return { status: res.status, message: body.error?.message ?? null };
    },
    { procedure, input },
  );
}

/** auth.me through the dashboard's /trpc route, with a bearer token. */
async function meWithToken(token: string) {
  const res = await fetch(`${stack.web}/trpc/auth.me`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { result: { data: { kind: string; name: string } | null } };
  return body.result.data;
}

async function signOut(page: Page) {
  await page.getByTestId("user-menu").getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("link", { name: "Sign in", exact: true }).waitFor();
}

describe("accounts and access in the dashboard", () => {
  it("a member signs up, signs out, signs in, edits their own post and no one else's", async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.web}/posts`);
    expect(await signedInName(page)).toBeNull();
    // Signed out: reading is open, writing is not offered.
    expect(await page.getByRole("link", { name: "New post" }).count()).toBe(0);

    // Sign up, first with mistakes: each is told beside its field, and what was typed stays.
    await page.getByRole("link", { name: "Create account" }).click();
    await page.waitForURL(/\/sign-up\?next=%2Fposts$/);
    const signUp = page.getByRole("form", { name: "Create an account" });
    await signUp.getByLabel("Name").fill("Jamie Writer");
    await signUp.getByLabel("Email").fill("jamie@");
    await signUp.getByLabel("Password").fill("short");
    await signUp.getByRole("button", { name: "Create account" }).click();
    await signUp.getByText("Enter an email address like name@example.com").waitFor();
    await signUp.getByText("A password needs at least 10 characters").waitFor();
    expect(await signUp.getByLabel("Email").getAttribute("aria-invalid")).toBe("true");
    expect(await signUp.getByLabel("Name").inputValue()).toBe("Jamie Writer");
    expect(await signUp.getByLabel("Email").inputValue()).toBe("jamie@");
    await page.screenshot({ path: path.join(artifacts, "sign-up-errors.png") });

    // A taken email is told beside the email field.
    await signUp.getByLabel("Email").fill(MEMBER.email);
    await signUp.getByLabel("Password").fill("tea kettle whistles");
    await signUp.getByRole("button", { name: "Create account" }).click();
    await signUp.getByText("An account with that email exists: sign in instead.").waitFor();

    await signUp.getByLabel("Email").fill("Jamie@Example.com");
    await signUp.getByLabel("Password").fill("tea kettle whistles");
    await signUp.getByRole("button", { name: "Create account" }).click();
    // Back where sign-up was asked from, signed in.
    await page.waitForURL(/\/posts$/);
    await expect.poll(() => signedInName(page)).toBe("Jamie Writer");
    expect(await page.getByTestId("user-menu").textContent()).toContain("member");
    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === "brisk_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");
    expect(session?.path).toBe("/");
    const rows = page.getByTestId("post-row");
    await rows.first().waitFor();
    await page.screenshot({ path: path.join(artifacts, "signed-in.png") });
    // On a phone the sidebar is a top bar: the user menu shrinks to initials and a button.
    await page.setViewportSize({ width: 390, height: 700 });
    await page.getByTestId("user-menu").getByRole("button", { name: "Sign out" }).waitFor();
    await page.screenshot({ path: path.join(artifacts, "signed-in-mobile.png") });
    await page.setViewportSize({ width: 1280, height: 900 });

    // Sign out: the session cookie goes, the page shows what anyone sees.
    await signOut(page);
    await page.waitForURL(/\/posts$/);
    expect(await signedInName(page)).toBeNull();
    expect(await page.getByRole("link", { name: "New post" }).count()).toBe(0);
    const after = await page.context().cookies();
    expect(after.some((cookie) => cookie.name === "brisk_session")).toBe(false);

    // Sign in: a wrong password is refused without saying which part was wrong.
    await page.getByRole("link", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/sign-in\?next=%2Fposts$/);
    await submitSignIn(page, "jamie@example.com", "tea kettle whistled");
    await page
      .getByRole("form", { name: "Sign in" })
      .getByRole("alert")
      .filter({ hasText: "Wrong email or password." })
      .waitFor();
    expect(await page.getByLabel("Email").inputValue()).toBe("jamie@example.com");
    await page.screenshot({ path: path.join(artifacts, "sign-in-error.png") });
    await submitSignIn(page, "jamie@example.com", "tea kettle whistles");
    await page.waitForURL(/\/posts$/);
    await expect.poll(() => signedInName(page)).toBe("Jamie Writer");

    // Write a post: a member picks no author, the post is theirs.
    const title = "Notes from a new member";
    await page.getByRole("link", { name: "New post" }).click();
    await page.waitForURL(/\/posts\/new$/);
    await page.getByLabel("Title").waitFor();
    expect(await page.getByLabel("Author").count()).toBe(0);
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Body").fill("Written through the dashboard, signed in.");
    await page.getByRole("group", { name: "Status" }).getByText("Published").click();
    await page.getByRole("button", { name: "Create post" }).click();
    await page.waitForURL(/\/posts$/);
    await expect.poll(() => rows.first().textContent()).toContain(title);
    expect(await rows.first().textContent()).toContain("Jamie Writer");

    // Their own post opens in the editor; a change saves.
    await rows.first().getByRole("link", { name: title }).click();
    await page.waitForURL(/\/posts\/\d+\/edit$/);
    await page.getByLabel("Title").fill(`${title}, edited`);
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();

    // Another member's post opens to read, with no edit offered.
    await page.goto(`${stack.web}/posts`);
    const rins = rows.filter({ hasText: RIN.name }).first();
    const link = rins.getByRole("link").first();
    const href = await link.getAttribute("href");
    expect(href).toMatch(/^\/posts\/\d+$/);
    const rinsTitle = (await link.textContent()) ?? "";
    await link.click();
    await page.waitForURL(/\/posts\/\d+$/);
    await page.getByRole("heading", { name: rinsTitle, level: 1 }).waitFor();
    expect(await page.getByRole("link", { name: "Edit post" }).count()).toBe(0);
    await page.screenshot({ path: path.join(artifacts, "post-read.png") });

    // Its editor's address says whose it is instead of offering a form.
    await page.goto(`${stack.web}${href}/edit`);
    await page.getByTestId("not-yours").waitFor();
    expect(await page.getByTestId("not-yours").textContent()).toContain(`${RIN.name}'s`);
    expect(await page.getByLabel("Title").count()).toBe(0);
    await page.screenshot({ path: path.join(artifacts, "post-not-yours.png") });

    // Forced through the api with the session cookie anyway: 403, and nothing changed.
    const id = Number(href?.split("/").at(-1));
    const update = await mutateFromPage(page, "posts.update", { id, title: "Taken over" });
    expect(update).toEqual({
      status: 403,
      message: "Only this post's author or an admin can change it.",
    });
    expect((await mutateFromPage(page, "posts.delete", { id })).status).toBe(403);
    await page.goto(`${stack.web}${href}`);
    await page.getByRole("heading", { name: rinsTitle, level: 1 }).waitFor();

    // Signed out again, writing sends to sign-in.
    await signOut(page);
    await page.goto(`${stack.web}/posts/new`);
    await page.waitForURL(/\/sign-in\?next=%2Fposts%2Fnew$/);
    await page.close();
  });

  it("sends to sign-in and back, and only ever to a page of this site", async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.web}/posts/new`);
    await page.waitForURL(/\/sign-in\?next=%2Fposts%2Fnew$/);
    expect(await page.getByTestId("sign-in-reason").textContent()).toContain(
      "That page needs an account",
    );
    await page.screenshot({ path: path.join(artifacts, "sign-in-redirect.png") });
    await submitSignIn(page, MEMBER.email, "brisk-demo");
    await page.waitForURL(/\/posts\/new$/);
    await page.getByLabel("Title").waitFor();

    // Signed in already, the sign-in page goes straight on.
    await page.goto(`${stack.web}/sign-in?next=%2Ftags`);
    await page.waitForURL(/\/tags$/);
    await page.close();

    // Anything but a path on this site leads to the home page instead.
    for (const next of [
      "https://evil.example/",
      "//evil.example/",
      "/\\evil.example/",
      "/\t/evil.example/",
      "javascript:alert(1)",
    ]) {
      const html = await (
        await fetch(`${stack.web}/sign-in?next=${encodeURIComponent(next)}`)
      ).text();
      expect(html).toContain('name="next" value="/authors"');
    }
    const away = await stack.browser.newPage();
    await away.goto(`${stack.web}/sign-in?next=${encodeURIComponent("//evil.example/")}`);
    await submitSignIn(away, MEMBER.email, "brisk-demo");
    await away.waitForURL(`${stack.web}/authors`);
    await away.close();
  });

  it("tells a burst of wrong passwords for one account when to try again", async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.web}/sign-in`);
    const alert = page.getByRole("form", { name: "Sign in" }).getByRole("alert");
    const password = page.getByLabel("Password");
    for (let attempt = 1; attempt <= 5; attempt++) {
      await submitSignIn(page, RIN.email, `wrong password ${attempt}`);
      // Answered once the form is reset (the password is never filled in again).
      await expect.poll(() => password.inputValue()).toBe("");
      expect(await alert.textContent()).toBe("Wrong email or password.");
    }
    // The right password too, now: refused until the window has passed.
    await submitSignIn(page, RIN.email, "brisk-demo");
    await alert.filter({ hasText: "Too many failed sign-ins for this account" }).waitFor();
    expect(await alert.textContent()).toMatch(/Try again in \d+ minutes\.$/);
    expect(page.url()).toContain("/sign-in");
    await page.screenshot({ path: path.join(artifacts, "sign-in-limited.png") });
    await page.close();
  });

  it("an admin creates, uses and revokes API keys; a member is told the page is not theirs", async () => {
    const page = await signedInPage(stack, ADMIN.email);
    await page
      .getByRole("navigation", { name: "Dashboard" })
      .getByRole("link", { name: "API keys" })
      .click();
    await page.waitForURL(/\/api-keys$/);
    await page.getByTestId("api-keys-empty").waitFor();
    const form = page.getByTestId("api-key-form");

    // A name is required, told beside it.
    await form.getByRole("button", { name: "Create key" }).click();
    await form.getByText("Name the service that will use the key").waitFor();

    // Two keys: the first is revoked below, the second kept.
    const made: string[] = [];
    for (const [name, role] of [
      ["Search indexer", "Member"],
      ["Nightly reports", "Admin"],
    ] as const) {
      await form.getByLabel("Name").fill(name);
      await form.getByRole("group", { name: "Role" }).getByText(role, { exact: true }).click();
      await form.getByRole("button", { name: "Create key" }).click();
      const shown = page.getByTestId("api-key-shown");
      await shown.getByText(`Key for ${name} created`).waitFor();
      const token = await shown.getByTestId("api-key-value").inputValue();
      expect(token).toMatch(/^bk_[A-Za-z0-9_-]{20,}$/);
      made.push(token);
      if (made.length === 1) {
        await page.screenshot({ path: path.join(artifacts, "api-key-created.png") });
      }
      await shown.getByRole("button", { name: "Done" }).click();
    }
    const rows = page.getByTestId("api-key-row");
    await expect.poll(() => rows.count()).toBe(2);
    const indexer = rows.filter({ hasText: "Search indexer" });
    expect(await indexer.textContent()).toContain("member");
    expect(await indexer.getByTestId("api-key-last-used").textContent()).toBe("Never");

    // The key works as a bearer token, and its use shows on the page.
    const [indexerKey, reportsKey] = made as [string, string];
    expect(await meWithToken(indexerKey)).toMatchObject({ kind: "apiKey", name: "Search indexer" });
    await expect
      .poll(async () => {
        await page.reload();
        return indexer.getByTestId("api-key-last-used").textContent();
      })
      .toMatch(/UTC$/);
    // Shown once: the page never has the key again.
    expect(await page.content()).not.toContain(indexerKey);

    // Revoke, after confirming ("Keep it" changes nothing).
    await indexer.getByRole("button", { name: "Revoke" }).click();
    await indexer.getByRole("button", { name: "Keep it" }).click();
    await indexer.getByRole("button", { name: "Revoke" }).click();
    expect(await indexer.getByTestId("api-key-revoke").textContent()).toContain(
      "Revoke Search indexer?",
    );
    await indexer.getByRole("button", { name: "Yes, revoke" }).click();
    await indexer.getByText(/^Revoked /).waitFor();
    expect(await meWithToken(indexerKey)).toBeNull();
    expect(await meWithToken(reportsKey)).toMatchObject({
      kind: "apiKey",
      name: "Nightly reports",
    });
    await page.screenshot({ path: path.join(artifacts, "api-keys.png") });
    await page.close();

    // A member has neither Ops nor API keys in the sidebar, and each says whose page it is.
    const member = await signedInPage(stack, MEMBER.email);
    const nav = member.getByRole("navigation", { name: "Dashboard" });
    expect(await nav.getByRole("link", { name: "API keys" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "Ops" }).count()).toBe(0);
    for (const address of ["/api-keys", "/ops"]) {
      await member.goto(`${stack.web}${address}`);
      await member.getByTestId("admins-only").waitFor();
    }
    await member.screenshot({ path: path.join(artifacts, "admins-only.png") });
    expect((await mutateFromPage(member, "apiKeys.create", { name: "Mine" })).status).toBe(403);
    await member.close();

    // And signed out, the admins' pages send to sign-in.
    const anonymous = await fetch(`${stack.web}/api-keys`, { redirect: "manual" });
    expect(anonymous.status).toBe(307);
    expect(anonymous.headers.get("location")).toBe("/sign-in?next=%2Fapi-keys");
  });
});
