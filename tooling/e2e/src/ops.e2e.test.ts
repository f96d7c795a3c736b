import path from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN, signedInPage } from "./accounts";
import { artifacts, useStack } from "./stack";

// Every request is kept as a slow trace (SLOW_TRACE_MS=0), so a handful is enough to show.
const stack = useStack(
  { users: 20, postsPerUser: 3, demo: true },
  { apiEnv: { SLOW_TRACE_MS: "0" } },
);

/** A tRPC query through the dashboard's /trpc route, as a browser sends it. */
function query(procedure: string, input: unknown) {
  const search = new URLSearchParams({ input: JSON.stringify(input) });
  return fetch(`${stack.web}/trpc/${procedure}?${search}`);
}

const polls = { timeout: 20_000, interval: 250 };

describe("Ops page", () => {
  it("renders only the shell on the server: the numbers come from apps/api", async () => {
    // Admins only: signed out, the page sends to sign-in first.
    const anonymous = await fetch(`${stack.web}/ops`, { redirect: "manual" });
    expect(anonymous.status).toBe(307);
    expect(anonymous.headers.get("location")).toBe("/sign-in?next=%2Fops");

    const page = await signedInPage(stack, ADMIN.email);
    const res = await page.request.get(`${stack.web}/ops`);
    expect(res.status()).toBe(200);
    const html = await res.text();
    expect(html).toContain("Slow traces");
    expect(html).toContain('aria-busy="true"');
    expect(html).not.toContain('data-testid="trace-row"');
    await page.close();
  });

  it("charts the api's metrics and opens a slow trace as a span waterfall", async () => {
    for (let id = 1; id <= 5; id++) {
      const answers = await Promise.all([
        query("users.list", { limit: 10, postsPerUser: 3 }),
        query("users.byId", { id }),
      ]);
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
    }

    const page = await signedInPage(stack, ADMIN.email, { width: 1280, height: 2300 });
    // Procedures the browser asks for (one batched request may carry several).
    const calls: string[] = [];
    page.on("request", (request) => {
      const { pathname } = new URL(request.url());
      if (pathname.startsWith("/trpc/")) calls.push(...pathname.slice(6).split(","));
    });
    await page.goto(`${stack.web}/ops`);

    // The api samples every 5 s; the charts start at its second sample.
    const throughput = page.getByRole("list", { name: /^Requests per second.*legend$/ });
    await expect.poll(() => throughput.count(), polls).toBe(1);
    expect(await throughput.textContent()).toContain("users.list");
    expect(await page.getByTestId("chart-line").count()).toBeGreaterThan(10);
    expect(await page.getByTestId("ops-headline").textContent()).toContain("req/s");
    // Hovering a chart reads every line at the nearest sample: the legend names its time.
    const chart = page.getByTestId("ops-chart").first();
    const legend = chart.getByRole("list");
    expect(await legend.textContent()).toContain("Latest");
    await chart.locator("svg").hover({ position: { x: 120, y: 100 } });
    await expect.poll(() => legend.textContent(), polls).toMatch(/^\d\d:\d\d:\d\d/);
    expect(await page.getByRole("heading", { name: "Provider health" }).count()).toBe(1);
    await page.screenshot({ path: path.join(artifacts, "ops-charts.png") });
    // Polled from the browser, through /trpc, never prefetched by the server render.
    expect(calls).toContain("ops.metrics");
    expect(calls).toContain("ops.traces");

    const rows = page.getByTestId("trace-row");
    const byId = rows.filter({ hasText: "/trpc/users.byId" });
    await expect.poll(() => byId.count(), polls).toBeGreaterThan(0);
    await byId.first().click();

    // HTTP request → procedure → loader batch → one SQL statement.
    await expect.poll(() => page.getByTestId("span-bar").count()).toBeGreaterThanOrEqual(4);
    const spans = page.getByRole("list", { name: "Spans", exact: true }).getByRole("button");
    const procedure = spans.filter({ hasText: /^trpc users\.byId/ });
    const sql = spans.filter({ hasText: /^SELECT users/ });
    expect(await procedure.count()).toBe(1);
    expect(await sql.count()).toBeGreaterThan(0);
    expect(await sql.first().getByTestId("span-bar").getAttribute("data-kind")).toBe("sql");

    // Hovering a span shows its attributes; the SQL statement's include its text.
    const details = page.getByTestId("span-details");
    await procedure.hover();
    await expect.poll(() => details.textContent()).toContain("rpc.method");
    expect(await details.textContent()).not.toContain('from "users"');
    await sql.first().click();
    await expect.poll(() => details.textContent()).toContain('from "users"');
    expect(await details.textContent()).toContain("db.response.returned_rows");

    await page.screenshot({ path: path.join(artifacts, "ops.png") });
    await page.close();
  });
});
