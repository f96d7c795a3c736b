import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ADMIN, MEMBER, signedInPage } from "./accounts";
import { recordApiCalls } from "./api-calls";
import { artifacts, useStack } from "./stack";

// The seed's 50 tags, named after TAG_NAMES, slugs made from the names, ten colours in turn.
const stack = useStack({ users: 6, postsPerUser: 3, demo: true });

/** The row of the tag with this slug (slugs are unique). */
function tagRow(page: Page, slug: string): Locator {
  return page
    .getByTestId("tag-row")
    .filter({ has: page.getByTestId("tag-slug").getByText(slug, { exact: true }) });
}

/** The Tags page as an admin, the one who may change tags. */
async function openTags(): Promise<Page> {
  const page = await signedInPage(stack, ADMIN.email);
  await page.goto(`${stack.web}/tags`);
  await page.getByTestId("tag-form").waitFor();
  return page;
}

describe("Tags page", () => {
  it("renders the seeded tags on the server, in process", async () => {
    const html = await (await fetch(`${stack.web}/tags`)).text();
    expect(html.match(/data-testid="tag-row"/g)).toHaveLength(50);
    expect(html).toContain("Postgres");
    // Signed out: the tags, and no way to change them.
    expect(html).toContain("Only admins add, change and delete tags");
    expect(html).not.toContain('data-testid="tag-form"');
  });

  it("lists the tags by name without asking the api from the browser", async () => {
    const page = await signedInPage(stack, ADMIN.email);
    const apiCalls = recordApiCalls(page);
    await page.goto(`${stack.web}/tags`);
    const rows = page.getByTestId("tag-row");
    await expect.poll(() => rows.count()).toBe(50);
    const names = await page.getByTestId("tag-name").allTextContents();
    expect(names.slice(0, 3)).toEqual(["Accessibility", "Analytics", "Auth"]);
    expect(await tagRow(page, "node-js").textContent()).toContain("#16a34a");
    expect(apiCalls).toEqual([]);
    await page.screenshot({ path: path.join(artifacts, "tags.png") });
    await page.close();
  });

  it("offers a member no way to change tags, and the api refuses them anyway", async () => {
    const page = await signedInPage(stack, MEMBER.email);
    await page.goto(`${stack.web}/tags`);
    await expect.poll(() => page.getByTestId("tag-row").count()).toBe(50);
    expect(await page.getByTestId("tag-form").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Edit" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Delete" }).count()).toBe(0);
    expect(await page.getByTestId("tags-access").textContent()).toContain("Only admins");
    await page.screenshot({ path: path.join(artifacts, "tags-member.png") });

    // Sent anyway, from the page with its session cookie: 403.
    const status = await page.evaluate(async () => {
      const res = await fetch("/trpc/tags.create", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Sneaky", slug: "sneaky", colour: "#123456" }),
      });
      return res.status;
    });
    expect(status).toBe(403);
    await page.close();
  });

  it("creates a tag, which the Posts page's tag filter then offers", async () => {
    const page = await openTags();
    const apiCalls = recordApiCalls(page);
    const form = page.getByTestId("tag-form");

    // The slug follows the name until it is edited.
    await form.getByLabel("Name").fill("Vector Search");
    expect(await form.getByLabel("Slug").inputValue()).toBe("vector-search");
    await form.getByLabel("Colour", { exact: true }).fill("#7C3AED");
    expect(await form.getByLabel("Colour picker").inputValue()).toBe("#7c3aed");
    await page.screenshot({ path: path.join(artifacts, "tag-new.png") });
    await form.getByRole("button", { name: "Add tag" }).click();

    await page.getByRole("status").filter({ hasText: "Added Vector Search" }).waitFor();
    await expect.poll(() => page.getByTestId("tag-row").count()).toBe(51);
    expect(await tagRow(page, "vector-search").textContent()).toContain("#7c3aed");
    // The form is ready for the next tag.
    expect(await form.getByLabel("Name").inputValue()).toBe("");
    expect(await form.getByLabel("Slug").inputValue()).toBe("");
    expect(apiCalls).toEqual(["/trpc/tags.create", "/trpc/tags.list"]);

    await page.getByRole("link", { name: "Posts", exact: true }).click();
    await page.waitForURL(/\/posts$/);
    const tagFilter = page.getByRole("group", { name: "Tag" });
    await tagFilter.getByRole("button", { name: "Vector Search", exact: true }).waitFor();
    await page.close();
  });

  it("refuses a taken slug on its field and keeps what was typed", async () => {
    const page = await openTags();
    const form = page.getByTestId("tag-form");
    await form.getByLabel("Name").fill("Postgres internals");
    await form.getByLabel("Slug").fill("postgres");
    await form.getByLabel("Colour", { exact: true }).fill("#0d9488");
    await form.getByRole("button", { name: "Add tag" }).click();

    await form.getByText("That slug is taken").waitFor();
    expect(await form.getByLabel("Slug").getAttribute("aria-invalid")).toBe("true");
    expect(await form.getByRole("alert").textContent()).toContain("Nothing was saved");
    expect(await form.getByLabel("Name").inputValue()).toBe("Postgres internals");
    expect(await form.getByLabel("Slug").inputValue()).toBe("postgres");
    expect(await form.getByLabel("Colour", { exact: true }).inputValue()).toBe("#0d9488");
    await page.screenshot({ path: path.join(artifacts, "tag-slug-taken.png") });

    // Choosing another slug saves it.
    await form.getByLabel("Slug").fill("postgres-internals");
    await form.getByRole("button", { name: "Add tag" }).click();
    await tagRow(page, "postgres-internals").waitFor();
    expect(await form.getByText("That slug is taken").count()).toBe(0);
    await page.close();
  });

  it("refuses a colour that is not a hex value on its field", async () => {
    const page = await openTags();
    const form = page.getByTestId("tag-form");
    const before = await page.getByTestId("tag-row").count();
    await form.getByLabel("Name").fill("Colourful");
    await form.getByLabel("Colour", { exact: true }).fill("#12345g");
    await form.getByRole("button", { name: "Add tag" }).click();

    await form.getByText("A colour is a hex value like #3b82f6").waitFor();
    expect(await form.getByLabel("Colour", { exact: true }).getAttribute("aria-invalid")).toBe(
      "true",
    );
    expect(await form.getByLabel("Name").inputValue()).toBe("Colourful");
    expect(await page.getByTestId("tag-row").count()).toBe(before);
    await page.close();
  });

  it("renames a tag in its row", async () => {
    const page = await openTags();
    const row = tagRow(page, "redis");
    await row.getByRole("button", { name: "Edit" }).click();
    const edit = page.getByRole("form", { name: "Edit tag Redis" });
    expect(
      await edit
        .getByLabel("Name")
        .evaluate((input) => input === input.ownerDocument.activeElement),
    ).toBe(true);

    // A field error keeps the row open with what was typed.
    await edit.getByLabel("Name").fill(" ");
    await edit.getByRole("button", { name: "Save" }).click();
    await edit.getByText("A name is required").waitFor();

    await edit.getByLabel("Name").fill("Redis Streams");
    await page.screenshot({ path: path.join(artifacts, "tag-edit.png") });
    await edit.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => row.getByTestId("tag-name").textContent()).toBe("Redis Streams");
    expect(await edit.count()).toBe(0);
    expect(await row.textContent()).toContain("redis");

    // Cancel closes the row without a save: no request goes to the api.
    const apiCalls = recordApiCalls(page);
    await row.getByRole("button", { name: "Edit" }).click();
    const again = page.getByRole("form", { name: "Edit tag Redis Streams" });
    await again.getByLabel("Name").fill("X");
    await again.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => again.count()).toBe(0);
    expect(await row.getByTestId("tag-name").textContent()).toBe("Redis Streams");

    // Another page load shows the saved name from the database, not the cancelled one.
    await page.reload();
    expect(await tagRow(page, "redis").getByTestId("tag-name").textContent()).toBe("Redis Streams");
    expect(apiCalls.filter((call) => call.includes("tags.update"))).toEqual([]);
    await page.close();
  });

  it("deletes a tag after confirming", async () => {
    const page = await openTags();
    const rows = page.getByTestId("tag-row");
    const before = await rows.count();
    const row = tagRow(page, "jobs");

    // "Keep it" closes the question without deleting anything.
    const apiCalls = recordApiCalls(page);
    await row.getByRole("button", { name: "Delete" }).click();
    await row.getByRole("button", { name: "Keep it" }).click();
    await expect.poll(() => row.getByTestId("tag-delete-confirm").count()).toBe(0);
    expect(await rows.count()).toBe(before);
    expect(apiCalls.filter((call) => call.includes("tags.delete"))).toEqual([]);

    await row.getByRole("button", { name: "Delete" }).click();
    expect(await row.getByTestId("tag-delete-confirm").textContent()).toContain("Delete Jobs");
    await page.screenshot({ path: path.join(artifacts, "tag-delete.png") });
    await row.getByRole("button", { name: "Yes, delete" }).click();
    await expect.poll(() => rows.count()).toBe(before - 1);
    expect(await row.count()).toBe(0);

    await page.reload();
    await expect.poll(() => rows.count()).toBe(before - 1);
    expect(await tagRow(page, "jobs").count()).toBe(0);
    await page.close();
  });
});
