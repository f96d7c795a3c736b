import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { useTestDatabase } from "@brisk/db/testing/database";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { afterAll, describe, expect, it } from "vitest";

const database = useTestDatabase();
const cli = path.join(import.meta.dirname, "cli.ts");
const children: ChildProcess[] = [];
let appServer: Server | undefined;

function startCli(env: Record<string, string>, args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", cli, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return {
    child,
    async waitFor(pattern: RegExp) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const match = pattern.exec(output);
        if (match) return match;
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`no ${pattern} in:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    exited: new Promise<number | null>((resolve) => child.once("exit", resolve)),
    output: () => output,
  };
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  appServer?.closeAllConnections();
  appServer?.close();
});

describe("pnpm executor", () => {
  it("refuses to start without a valid DATABASE_URL and says which setting is wrong", async () => {
    const run = startCli({ DATABASE_URL: "mysql://nope" }, []);
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toContain("DATABASE_URL");
  });

  it("listens, then syncs the app named by --sync once it answers", async () => {
    appServer = createServer();
    await new Promise<void>((resolve) => appServer?.listen(0, "127.0.0.1", resolve));
    const appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}/api/inngest`;
    const run = startCli({ DATABASE_URL: database.url }, ["--port", "0", "--sync", appUrl]);
    const [, executorUrl] = (await run.waitFor(/listening at (http:\/\/\S+);/)) as unknown as [
      string,
      string,
    ];
    const inngest = new Inngest({ id: "cli-app", isDev: true, baseUrl: executorUrl });
    const hello = inngest.createFunction(
      { id: "hello", triggers: [{ event: "cli/hello" }] },
      async () => "hi",
    );
    appServer.on("request", serve({ client: inngest, functions: [hello] }));
    await run.waitFor(/synced http/);
    const response = await fetch(`${executorUrl}/v1/runs`);
    expect(response.status).toBe(200);
    await inngest.send({ name: "cli/hello", data: {} });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { runs } = (await (
        await fetch(`${executorUrl}/v1/runs?function=cli-app-hello`)
      ).json()) as {
        runs: { status: string }[];
      };
      if (runs[0]?.status === "completed") break;
      if (Date.now() > deadline) throw new Error("the run did not complete");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
  });
});
