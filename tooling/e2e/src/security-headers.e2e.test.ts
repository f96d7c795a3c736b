import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ADMIN, signIn } from "./accounts";
import { artifacts, useStack } from "./stack";

const stack = useStack({ users: 5, postsPerUser: 3, demo: true }, { jobs: true });

const polls = { timeout: 20_000, interval: 250 };

/** The policy's directives by name, each with its sources. */
function directives(policy: string) {
  return new Map(
    policy.split(";").map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      return [name!, sources] as const;
    }),
  );
}

describe("dashboard security headers", () => {
  it("sends a strict policy with a new nonce on every page, on every script Next renders", async () => {
    const [first, second] = await Promise.all([
      fetch(`${stack.web}/sign-in`),
      fetch(`${stack.web}/sign-in`),
    ]);
    const nonces: string[] = [];
    for (const res of [first, second]) {
      expect(res.status).toBe(200);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("permissions-policy")).toContain("camera=()");
      // The stack runs in production mode (behind TLS in a real deployment).
      expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");

      const policy = directives(res.headers.get("content-security-policy") ?? "");
      expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
      expect(policy.get("object-src")).toEqual(["'none'"]);
      expect(policy.get("connect-src")).toEqual(["'self'"]);
      const scripts = policy.get("script-src") ?? [];
      const nonce = scripts.find((s) => s.startsWith("'nonce-"))?.slice(7, -1);
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      nonces.push(nonce!);
      // Neither eval (development only) nor inline code without the nonce.
      expect(scripts).not.toContain("'unsafe-eval'");
      expect(scripts).not.toContain("'unsafe-inline'");
      expect(policy.get("style-src")).toEqual(["'self'", `'nonce-${nonce}'`]);

      // Every script and style tag in the page carries this response's nonce.
      const html = await res.text();
      const tags = html.match(/<(script|style)\b[^>]*>/g) ?? [];
      expect(tags.length).toBeGreaterThan(0);
      for (const tag of tags) expect(tag).toContain(`nonce="${nonce}"`);
    }
    expect(nonces[0]).not.toBe(nonces[1]);

    // Routes that are not pages get the same headers (a JSON answer is never sniffed as HTML).
    const health = await fetch(`${stack.web}/api/health`);
    expect(health.headers.get("x-content-type-options")).toBe("nosniff");
    const trpc = await fetch(`${stack.web}/trpc/tags.list`);
    expect(trpc.status).toBe(200);
    expect(trpc.headers.get("x-content-type-options")).toBe("nosniff");
    expect(trpc.headers.get("x-frame-options")).toBe("DENY");
  });

  it("shows the main pages with no policy violation, hydrated and working", async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const violations: string[] = [];
    const errors: string[] = [];
    await page.exposeFunction("__reportViolation", (text: string) => violations.push(text));
    // Runs before the page's own scripts, in every document this page opens.
    await page.addInitScript(`document.addEventListener("securitypolicyviolation", (e) =>
      window.__reportViolation([location.pathname, e.violatedDirective, e.blockedURI, e.sample].join(" ")));`);
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));

    /** Opens `pathname` and waits for Next's client to have started (its scripts ran). */
    async function visit(target: Page, pathname: string) {
      await target.goto(`${stack.web}${pathname}`);
      await target.waitForFunction(
        "window.next !== undefined && document.readyState === 'complete'",
      );
    }

    // The sign-in page and its form, as a person uses them.
    await signIn(page, stack.web, ADMIN.email);

    // Posts: the tag chips' colours are style attributes; picking one refetches from the
    // browser through /trpc, which only works once the page has hydrated.
    await visit(page, "/posts");
    const tagFilter = page.getByRole("group", { name: "Tag" });
    const postgres = tagFilter.getByRole("button", { name: "Postgres", exact: true });
    await postgres.click();
    await expect.poll(() => postgres.getAttribute("aria-pressed"), polls).toBe("true");
    await expect.poll(() => page.getByTestId("post-row").count(), polls).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(artifacts, "csp-posts.png") });

    const [post] = await stack.sql<{ id: number }[]>`
      select id from posts where status = 'published' order by id limit 1`;
    await visit(page, `/posts/${post!.id}`);
    expect(await page.getByRole("heading", { level: 1 }).count()).toBe(1);

    // A client-side navigation from the sidebar keeps the document: the router is running.
    await page.evaluate("window.__sameDocument = true");
    await page
      .getByRole("navigation", { name: "Dashboard" })
      .getByRole("link", { name: "Jobs" })
      .click();
    await page.waitForURL((url) => url.pathname === "/jobs", polls);
    expect(await page.evaluate("window.__sameDocument")).toBe(true);

    // Ops draws its charts in the browser from the api's samples (the second comes at 5 s).
    await visit(page, "/ops");
    await expect.poll(() => page.getByTestId("chart-line").count(), polls).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(artifacts, "csp-ops.png") });
    await visit(page, "/reports");
    await expect.poll(() => page.getByTestId("order-report").count(), polls).toBe(1);
    await page.screenshot({ path: path.join(artifacts, "csp-reports.png") });
    await visit(page, "/authors");

    expect(violations).toEqual([]);
    expect(errors).toEqual([]);

    // The listener hears a violation when there is one: an image from an origin not allowed.
    await page.evaluate("new Image().src = 'http://elsewhere.invalid/pixel.png'");
    await expect
      .poll(() => violations, polls)
      .toEqual(["/authors img-src http://elsewhere.invalid/pixel.png "]);
    await page.close();
  });
});
