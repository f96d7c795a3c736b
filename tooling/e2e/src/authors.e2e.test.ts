import path from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN, MEMBER, signedInPage } from "./accounts";
import { artifacts, useStack } from "./stack";

const stack = useStack({ users: 56, postsPerUser: 5, demo: true });

describe("Authors page", () => {
  it("renders authors with their posts on the server, in process", async () => {
    const html = await (await fetch(`${stack.web}/authors`)).text();
    expect(html).toContain("Avery Admin");
    // With 5 posts each, a demo author's latest is the fifth demo title.
    expect(html).toContain("Tracing a request from the page to the SQL");
    expect(html).toContain("Load more");
  });

  it("shows authors with posts and loads more over HTTP", async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const apiCalls: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname.startsWith("/trpc/")) apiCalls.push(request.url());
    });
    await page.goto(`${stack.web}/authors`);
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

  it("opens an author's page from the list, with the email for that author alone", async () => {
    const page = await stack.browser.newPage();
    await page.goto(`${stack.web}/authors`);
    await page.getByRole("link", { name: "Morgan Member" }).first().click();
    await page.waitForURL(/\/authors\/2$/);
    await page.getByRole("heading", { name: "Morgan Member", level: 1 }).waitFor();
    expect(await page.textContent("main")).not.toContain("member@brisk.dev");
    await page.close();

    // Signed in as Morgan: their own page has their email; another author's does not.
    const morgan = await signedInPage(stack, MEMBER.email);
    await morgan.goto(`${stack.web}/authors/${MEMBER.id}`);
    expect(await morgan.textContent("main")).toContain(MEMBER.email);
    await morgan.goto(`${stack.web}/authors/${ADMIN.id}`);
    await morgan.getByRole("heading", { name: ADMIN.name, level: 1 }).waitFor();
    expect(await morgan.textContent("main")).not.toContain(ADMIN.email);
    await morgan.close();
  });

  it("answers an unknown author with a not-found page", async () => {
    const res = await fetch(`${stack.web}/authors/999999`);
    expect(res.status).toBe(404);
  });
});
