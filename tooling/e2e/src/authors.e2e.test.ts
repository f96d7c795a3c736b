import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@brisk/db/embedded";
import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumArgs, ensureChromium } from "./chromium";
import { type Started, startProcess, waitForOk } from "./processes";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const artifacts = path.join(root, "tooling/e2e/artifacts");

const database = useTestDatabase();
const servers: Started[] = [];
let browser: Browser;
let web: string;

beforeAll(async () => {
  for (const built of ["apps/api/dist/main.js", "apps/web/.next/BUILD_ID"]) {
    if (!existsSync(path.join(root, built))) {
      throw new Error(`${built} is missing: run \`pnpm build\` (turbo builds it before e2e tests)`);
    }
  }
  const executablePath = ensureChromium();
  await seed(database.handle.sql, { users: 56, postsPerUser: 5, demo: true });

  const [apiPort, webPort] = [await freePort(), await freePort()];
  const common = { DATABASE_URL: database.url, NODE_ENV: "production", DB_POOL_WARM: "2" };
  const api = startProcess(process.execPath, ["dist/main.js"], {
    cwd: path.join(root, "apps/api"),
    env: { ...common, PORT: String(apiPort), LOG_LEVEL: "warn" },
  });
  servers.push(api);
  const nextBin = path.join(root, "apps/web/node_modules/next/dist/bin/next");
  const site = startProcess(process.execPath, [nextBin, "start", "--port", String(webPort)], {
    cwd: path.join(root, "apps/web"),
    env: { ...common, API_URL: `http://127.0.0.1:${apiPort}`, HOSTNAME: "127.0.0.1" },
  });
  servers.push(site);
  web = `http://127.0.0.1:${webPort}`;
  await Promise.all([
    waitForOk(`http://127.0.0.1:${apiPort}/readyz`, api),
    waitForOk(`${web}/api/health`, site),
  ]);
  browser = await chromium.launch({ executablePath, args: chromiumArgs });
  mkdirSync(artifacts, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.stop()));
});

describe("Authors page", () => {
  it("renders authors with their posts on the server, in process", async () => {
    const html = await (await fetch(`${web}/authors`)).text();
    expect(html).toContain("Avery Admin");
    // With 5 posts each, a demo author's latest is the fifth demo title.
    expect(html).toContain("Tracing a request from the page to the SQL");
    expect(html).toContain("Load more");
  });

  it("shows authors with posts and loads more over HTTP", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const apiCalls: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname.startsWith("/trpc/")) apiCalls.push(request.url());
    });
    await page.goto(`${web}/authors`);
    const cards = page.getByTestId("author-card");
    await expect.poll(() => cards.count()).toBe(20);
    await expect.poll(() => cards.first().getByTestId("author-post").count()).toBe(3);
    await expect.poll(() => cards.first().textContent()).toContain("Avery Admin");
    // The first page came hydrated from the server render: the browser asked the api nothing.
    expect(apiCalls).toEqual([]);
    await page.screenshot({ path: path.join(artifacts, "authors.png"), fullPage: false });

    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => cards.count()).toBe(40);
    expect(apiCalls.length).toBe(1);
    expect(apiCalls[0]).toContain("/trpc/users.list");

    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => cards.count()).toBe(60);
    await expect.poll(() => page.getByRole("button", { name: "Load more" }).count()).toBe(0);
    await page.close();
  });

  it("opens an author's page from the list", async () => {
    const page = await browser.newPage();
    await page.goto(`${web}/authors`);
    await page.getByRole("link", { name: "Morgan Member" }).first().click();
    await page.waitForURL(/\/authors\/2$/);
    await expect.poll(() => page.textContent("body")).toContain("member@brisk.dev");
    await page.close();
  });

  it("answers an unknown author with a not-found page", async () => {
    const res = await fetch(`${web}/authors/999999`);
    expect(res.status).toBe(404);
  });
});
