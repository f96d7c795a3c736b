import path from "node:path";
import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ADMIN, signedInPage } from "./accounts";
import { recordApiCalls } from "./api-calls";
import { artifacts, useStack } from "./stack";

// 60 authors with 5 posts each; the seed gives every post two of the 50 tags, 12 of the 300
// posts carry "Postgres".
const stack = useStack({ users: 56, postsPerUser: 5, demo: true });

/** The tag names on each row, in list order. */
function rowTags(rows: Locator): Promise<string[][]> {
  return rows.evaluateAll((items) =>
    items.map((row) =>
      [...row.querySelectorAll("[data-testid=post-tag]")].map((chip) => chip.textContent ?? ""),
    ),
  );
}

describe("Posts page", () => {
  it("renders posts with their tags on the server, in process", async () => {
    const html = await (await fetch(`${stack.web}/posts`)).text();
    expect(html).toContain('data-testid="post-row"');
    expect(html).toContain('data-testid="post-tag"');
    expect(html).toContain("All tags");
  });

  it("lists posts with tag chips and loads more over HTTP", async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const apiCalls = recordApiCalls(page);
    await page.goto(`${stack.web}/posts`);
    const rows = page.getByTestId("post-row");
    await expect.poll(() => rows.count()).toBe(20);
    const tags = await rowTags(rows);
    expect(tags.every((names) => names.length >= 1)).toBe(true);
    // The first page and the tags came hydrated from the server render.
    expect(apiCalls).toEqual([]);
    await page.screenshot({ path: path.join(artifacts, "posts.png") });

    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => rows.count()).toBe(40);
    expect(apiCalls).toEqual(["/trpc/posts.list"]);
    await page.close();
  });

  it("filters by tag, in a URL that can be shared", async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.web}/posts`);
    const rows = page.getByTestId("post-row");
    await expect.poll(() => rows.count()).toBe(20);

    const tagFilter = page.getByRole("group", { name: "Tag" });
    await tagFilter.getByRole("button", { name: "Postgres", exact: true }).click();
    await page.waitForURL(/\/posts\?tag=postgres$/);
    await expect.poll(() => rows.count()).toBe(12);
    const tags = await rowTags(rows);
    expect(tags.every((names) => names.includes("Postgres"))).toBe(true);
    expect(
      await tagFilter.getByRole("button", { name: "Postgres" }).getAttribute("aria-pressed"),
    ).toBe("true");
    await page.screenshot({ path: path.join(artifacts, "posts-filtered.png") });

    // The same address opened afresh shows the same filter.
    await page.goto(page.url());
    await expect.poll(() => rows.count()).toBe(12);
    await page.close();
  });

  it("ignores filter values that are not a tag slug or a status", async () => {
    const page = await stack.browser.newPage();
    await page.goto(`${stack.web}/posts?tag=Not%20a%20slug!&status=maybe`);
    await expect.poll(() => page.getByTestId("post-row").count()).toBe(20);
    const all = page.getByRole("group", { name: "Tag" }).getByRole("button", { name: "All tags" });
    expect(await all.getAttribute("aria-pressed")).toBe("true");
    await page.close();
  });

  it("creates, edits and deletes a post in the editor", async () => {
    // An admin, who may also pick another author (a member may not: accounts.e2e.test.ts).
    const page = await signedInPage(stack, ADMIN.email);
    const title = "Measuring the editor end to end";
    const body = "# Why\n\nA post written by the e2e suite, with **markdown** in it.";
    const rows = page.getByTestId("post-row");

    // Create: title, body, two tags, published.
    await page.goto(`${stack.web}/posts`);
    await page.getByRole("link", { name: "New post" }).click();
    await page.waitForURL(/\/posts\/new$/);
    expect(await page.getByLabel("Author").inputValue()).toBe(String(ADMIN.id));
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Body").fill(body);
    const tagPicker = page.getByRole("group", { name: /^Tags/ });
    await tagPicker.getByText("Postgres", { exact: true }).click();
    await tagPicker.getByText("Caching", { exact: true }).click();
    expect(await page.getByLabel("Postgres").isChecked()).toBe(true);
    await page.getByRole("group", { name: "Status" }).getByText("Published").click();
    await page.screenshot({ path: path.join(artifacts, "post-new.png"), fullPage: true });
    await page.getByRole("button", { name: "Create post" }).click();

    await page.waitForURL(/\/posts$/);
    await expect.poll(() => rows.first().textContent()).toContain(title);
    expect((await rowTags(rows.first()))[0]?.sort()).toEqual(["Caching", "Postgres"]);
    expect(await rows.first().textContent()).toContain("published");

    // Edit the title.
    await rows.first().getByRole("link", { name: title }).click();
    await page.waitForURL(/\/posts\/\d+\/edit$/);
    const editUrl = page.url();
    await page.getByLabel("Title").fill(`${title}, edited`);
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await page.getByRole("link", { name: "Back to posts" }).click();
    await page.waitForURL(/\/posts$/);
    await expect.poll(() => rows.first().textContent()).toContain(`${title}, edited`);

    // An empty title is refused next to the field, and the body stays as typed.
    await page.goto(editUrl);
    await page.getByLabel("Title").fill("");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("A title is required").waitFor();
    expect(await page.getByLabel("Title").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Body").inputValue()).toBe(body);
    await page.screenshot({ path: path.join(artifacts, "post-edit-error.png"), fullPage: true });

    // Delete, after confirming.
    await page.getByRole("button", { name: "Delete post" }).click();
    await page.getByRole("button", { name: "Yes, delete" }).click();
    await page.waitForURL(/\/posts$/);
    await expect.poll(() => rows.count()).toBe(20);
    expect(await rows.first().textContent()).not.toContain(title);
    expect((await fetch(editUrl.replace(/\/edit$/, ""))).status).toBe(404);
    await page.close();
  });

  it("answers an unknown or malformed post id with a not-found page", async () => {
    expect((await fetch(`${stack.web}/posts/999999`)).status).toBe(404);
    expect((await fetch(`${stack.web}/posts/abc`)).status).toBe(404);
    expect((await fetch(`${stack.web}/posts/abc/edit`)).status).toBe(404);
    const page = await signedInPage(stack, ADMIN.email);
    expect((await page.request.get(`${stack.web}/posts/999999/edit`)).status()).toBe(404);
    await page.close();
  });
});
