import path from "node:path";
import { freePort } from "@brisk/db/embedded";
import { SMTPServer } from "smtp-server";
import { afterAll, describe, expect, it } from "vitest";
import { ADMIN, signedInPage } from "./accounts";
import { artifacts, useStack } from "./stack";

// Emails go to an SMTP port where nothing listens until the test starts a server there: the
// welcome email fails on every attempt, then succeeds on the retry the Jobs page asks for.
const smtpPort = await freePort();
const stack = useStack(
  { users: 5, postsPerUser: 1, demo: true },
  {
    jobs: true,
    apiEnv: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}` },
    // Retries in a tenth of a second instead of Inngest's minutes (dev/test only).
    executorArgs: ["--backoff-ms", "100"],
  },
);

const received: string[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, _session, callback) {
    let message = "";
    stream.on("data", (chunk: Buffer) => {
      message += chunk.toString("utf8");
    });
    stream.on("end", () => {
      received.push(message);
      callback();
    });
  },
});
afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

describe("the Jobs page", () => {
  it("shows a failed run with its error, and retries it to completion", async () => {
    const visitor = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await visitor.goto(`${stack.web}/sign-up`);
    const signUp = visitor.getByRole("form", { name: "Create an account" });
    await signUp.getByLabel("Name").fill("Quinn Queued");
    await signUp.getByLabel("Email").fill("quinn@example.com");
    await signUp.getByLabel("Password").fill("lanterns over harbour");
    await signUp.getByRole("button", { name: "Create account" }).click();
    await visitor.waitForURL((url) => url.pathname !== "/sign-up");
    await visitor.close();

    // Five attempts, all refused by the missing SMTP server: the run fails.
    const page = await signedInPage(stack, ADMIN.email);
    const failed = page.getByTestId("job-row").filter({ hasText: "Send the welcome email" });
    await expect
      .poll(
        async () => {
          await page.goto(`${stack.web}/jobs?status=failed`);
          return failed.count();
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe(1);
    expect(await failed.getByTestId("run-status").textContent()).toBe("failed");
    expect(await failed.textContent()).toContain("5 of 5");
    await page.goto(`${stack.web}/jobs`);
    await page.screenshot({ path: path.join(artifacts, "jobs.png"), fullPage: true });

    await page.goto(`${stack.web}/jobs?status=failed`);
    await failed.getByRole("link").click();
    await page.waitForURL(/\/jobs\/[0-9a-f-]+$/);
    expect(await page.getByTestId("run-error").textContent()).toMatch(/ECONNREFUSED|connect/i);
    const step = page.getByTestId("run-step");
    expect(await step.count()).toBe(1);
    expect(await step.getByTestId("run-status").textContent()).toBe("failed");
    await page.screenshot({ path: path.join(artifacts, "job-run.png"), fullPage: true });

    // The cause goes away; the operator retries.
    await new Promise<void>((resolve) => smtp.listen(smtpPort, "127.0.0.1", resolve));
    await page.getByRole("button", { name: "Retry" }).click();
    const status = page.getByRole("heading", { level: 1 }).getByTestId("run-status");
    await expect
      .poll(
        async () => {
          await page.reload();
          return status.textContent();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe("completed");
    expect(await page.getByRole("button", { name: "Retry" }).count()).toBe(0);
    expect(await step.getByTestId("run-status").textContent()).toBe("completed");
    await page.screenshot({ path: path.join(artifacts, "job-run-retried.png"), fullPage: true });
    await page.close();

    expect(received.filter((message) => message.includes("quinn@example.com"))).toHaveLength(1);
  });
});
