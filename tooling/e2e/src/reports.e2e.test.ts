import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PDFParse } from "pdf-parse";
import { afterAll, describe, expect, it } from "vitest";
import { MEMBER, signedInPage } from "./accounts";
import { artifacts, useStack } from "./stack";

// This file's PDFs only, removed after it.
const mediaDir = mkdtempSync(path.join(os.tmpdir(), "brisk-e2e-reports-"));
afterAll(() => rmSync(mediaDir, { recursive: true, force: true }));

const stack = useStack(
  { users: 5, postsPerUser: 4, demo: true },
  { jobs: true, providers: true, apiEnv: { MEDIA_DIR: mediaDir } },
);

interface Result {
  ours: { posts: number };
  providers: { pageviews: { status: string; figures: { views: number } | null } };
}

describe("reports", () => {
  it("a member orders a report, watches it run to 100 %, previews it and downloads its PDF", async () => {
    const page = await signedInPage(stack, MEMBER.email);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${stack.web}/reports`);
    const form = page.getByTestId("order-report");
    // The seed's posts are from around the first of January 2025.
    await form.getByLabel("From").fill("2024-12-01");
    await form.getByLabel("To").fill("2025-01-31");
    await form.getByRole("button", { name: "Order report" }).click();

    const report = page.getByTestId("report").first();
    const bar = report.getByRole("progressbar");
    await expect
      .poll(() => bar.getAttribute("aria-valuetext"), { timeout: 60_000 })
      .toMatch(/100 %/);
    await expect.poll(() => report.getAttribute("data-status"), { timeout: 30_000 }).toBe("done");

    const id = Number(await report.getAttribute("data-report-id"));
    const [row] = await stack.sql<
      { result: Result }[]
    >`select result from reports where id = ${id}`;
    const views = row!.result.providers.pageviews.figures!.views;

    await report.getByRole("button", { name: "Preview" }).click();
    await expect.poll(() => report.getByTestId("report-preview").count()).toBe(1);
    await page.screenshot({ path: path.join(artifacts, "reports-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(artifacts, "reports-390.png"), fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      report.getByRole("link", { name: "Download PDF" }).click(),
    ]);
    const parser = new PDFParse({ data: new Uint8Array(await readFile((await download.path())!)) });
    const text = (await parser.getText()).text;
    await parser.destroy();
    expect(text).toContain(MEMBER.name);
    expect(text).toContain(`Posts: ${row!.result.ours.posts}`);
    expect(text).toContain(`${new Intl.NumberFormat("en-US").format(views)} views`);
    await page.close();
  }, 120_000);
});
