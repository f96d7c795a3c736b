import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { MEMBER, signedInPage } from "./accounts";
import { artifacts, useStack } from "./stack";

// Originals and thumbnails of this file's stack only, removed after it.
const mediaDir = mkdtempSync(path.join(os.tmpdir(), "brisk-e2e-media-"));
afterAll(() => rmSync(mediaDir, { recursive: true, force: true }));

const stack = useStack(
  { users: 5, postsPerUser: 1, demo: true },
  { jobs: true, apiEnv: { MEDIA_DIR: mediaDir } },
);

/** A 1600 × 900 PNG: wider than every thumbnail, so each of the three is made at its width. */
function coverPng() {
  return sharp({
    create: { width: 1600, height: 900, channels: 3, background: { r: 47, g: 91, b: 234 } },
  })
    .composite([
      {
        input: Buffer.from(
          '<svg width="1600" height="900"><circle cx="800" cy="450" r="300" fill="#f6f7f9"/></svg>',
        ),
      },
    ])
    .png()
    .toBuffer();
}

/** What the tests read off an <img> in the page (this package has no DOM types). */
interface ImageState {
  complete: boolean;
  naturalWidth: number;
  currentSrc: string;
}

/** The decoded width once the image has loaded; 0 until then (or when it failed). */
const loadedWidth = (image: Locator) =>
  image.evaluate((img) => {
    const state = img as unknown as ImageState;
    return state.complete ? state.naturalWidth : 0;
  });

/** The candidate the browser chose from srcset, once it loaded; "" until then. */
const chosenSource = (image: Locator) =>
  image.evaluate((img) => {
    const state = img as unknown as ImageState;
    return state.complete ? state.currentSrc : "";
  });

/** The newest post of that title (the editor goes back to the list after creating). */
async function postIdByTitle(title: string) {
  const [row] = await stack.sql<{ id: number }[]>`
    select id from posts where title = ${title} order by id desc limit 1`;
  return row!.id;
}

/** The cover on the post page once the thumbnail job ran: reloads until it is an image. */
async function waitForCoverImage(page: Page, url: string) {
  const image = page.getByTestId("cover-image");
  await expect
    .poll(
      async () => {
        await page.goto(url);
        return image.count();
      },
      { timeout: 60_000, interval: 500 },
    )
    .toBe(1);
  return image;
}

describe("cover images", () => {
  it("uploads a cover in the editor; the post shows its thumbnail once the job made it", async () => {
    const page = await signedInPage(stack, MEMBER.email);
    const title = "A post with a cover";
    await page.goto(`${stack.web}/posts/new`);
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Body").fill("Look at the picture.");
    await page.getByRole("group", { name: "Status" }).getByText("Published").click();
    await page
      .getByTestId("cover-section")
      .locator('input[type="file"]')
      .setInputFiles({ name: "cover.png", mimeType: "image/png", buffer: await coverPng() });
    // The thumbnail job's progress reaches the editor live (server-sent events, no reload).
    await expect
      .poll(() => page.getByTestId("cover-status").textContent(), { timeout: 30_000 })
      .toContain("Thumbnails ready");
    await page
      .getByTestId("cover-section")
      .screenshot({ path: path.join(artifacts, "cover-editor-uploaded.png") });
    await page.getByRole("button", { name: "Create post" }).click();
    await page.waitForURL((url) => url.pathname === "/posts");
    const id = await postIdByTitle(title);

    const image = await waitForCoverImage(page, `${stack.web}/posts/${id}`);
    const srcset = (await image.getAttribute("srcset")) ?? "";
    expect(srcset).toMatch(/-160\.webp 160w, .*-640\.webp 640w, .*-1280\.webp 1280w$/);
    expect(await image.getAttribute("width")).toBe("640");
    expect(await image.getAttribute("height")).toBe("360");
    await expect
      .poll(() => loadedWidth(image), {
        timeout: 20_000,
      })
      .toBeGreaterThan(0);
    // Laid out 704 px wide on a 1× screen: the first thumbnail at least that wide.
    expect(await chosenSource(image)).toMatch(/-1280\.webp$/);
    await page.screenshot({ path: path.join(artifacts, "cover-post-1280.png"), fullPage: true });

    // The editor shows the saved cover's 640 px thumbnail.
    await page.goto(`${stack.web}/posts/${id}/edit`);
    const preview = page.getByTestId("cover-section").getByTestId("cover-image");
    await expect.poll(() => loadedWidth(preview)).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(artifacts, "cover-editor-1280.png"), fullPage: true });

    // The list's card carries the 160 px thumbnail.
    await page.goto(`${stack.web}/posts`);
    const card = page.getByTestId("post-row").filter({ hasText: title });
    const thumb = card.getByTestId("cover-image");
    await expect.poll(() => chosenSource(thumb)).toMatch(/-160\.webp$/);
    await page.screenshot({ path: path.join(artifacts, "cover-posts-1280.png") });
    await page.close();

    const phone = await signedInPage(stack, MEMBER.email, { width: 390, height: 844 });
    await phone.goto(`${stack.web}/posts/${id}`);
    const small = phone.getByTestId("cover-image");
    await expect.poll(() => loadedWidth(small)).toBeGreaterThan(0);
    // 358 px laid out on a 1× screen: the 640 px thumbnail, not the 1280 px one.
    expect(await chosenSource(small)).toMatch(/-640\.webp$/);
    await phone.screenshot({ path: path.join(artifacts, "cover-post-390.png"), fullPage: true });
    await phone.goto(`${stack.web}/posts/${id}/edit`);
    await phone.getByTestId("cover-section").getByTestId("cover-image").waitFor();
    await phone.screenshot({ path: path.join(artifacts, "cover-editor-390.png"), fullPage: true });
    await phone.goto(`${stack.web}/posts`);
    const phoneThumb = phone
      .getByTestId("post-row")
      .filter({ hasText: title })
      .getByTestId("cover-image");
    await expect.poll(() => chosenSource(phoneThumb)).toMatch(/-160\.webp$/);
    await phone.screenshot({ path: path.join(artifacts, "cover-posts-390.png") });
    await phone.close();
  });

  it("says in the field that a text file named .png is not an image, and keeps the post without one", async () => {
    const page = await signedInPage(stack, MEMBER.email);
    await page.goto(`${stack.web}/posts/new`);
    const section = page.getByTestId("cover-section");
    await section.locator('input[type="file"]').setInputFiles({
      name: "notes.png",
      mimeType: "image/png",
      buffer: Buffer.from("These are notes, not a picture.\n"),
    });
    await expect
      .poll(() => section.locator("#cover-error").textContent(), { timeout: 20_000 })
      .toBe("Only JPEG, PNG, WebP and GIF images can be uploaded.");
    // Nothing was taken: the field still offers an upload and shows no cover.
    expect(await section.getByText("Upload an image").count()).toBe(1);
    expect(await section.getByTestId("cover-status").count()).toBe(0);
    await section.screenshot({ path: path.join(artifacts, "cover-editor-415.png") });
    await page.close();
  });

  it("shows a neutral placeholder saying why when a cover's thumbnails could not be made", async () => {
    const [media] = await stack.sql<{ id: number }[]>`
      insert into media (owner_id, content_type, byte_size, width, height, storage_key, status)
      values (${MEMBER.id}, 'image/png', 1000, 1200, 800, 'failed-cover.png', 'failed')
      returning id`;
    const [post] = await stack.sql<{ id: number }[]>`
      insert into posts (author_id, title, body, status, published_at, cover_media_id)
      values (${MEMBER.id}, 'A cover that failed', '', 'published', now(), ${media!.id})
      returning id`;
    const page = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.web}/posts/${post!.id}`);
    const placeholder = page.getByTestId("cover-placeholder");
    expect(await placeholder.getAttribute("data-status")).toBe("failed");
    expect(await placeholder.textContent()).toBe("The thumbnails could not be made");
    expect(await page.getByTestId("cover-image").count()).toBe(0);
    await page.screenshot({ path: path.join(artifacts, "cover-post-failed.png") });
    await page.close();
  });
});
