import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@brisk/db/embedded";
import { type SeedOptions, seed } from "@brisk/db/seed";
import { type TestDatabase, useTestDatabase } from "@brisk/db/testing/database";
import { createProviderSimulator, PROVIDERS } from "@brisk/provider-simulator";
import { type Proc, startProc, untilOk } from "@brisk/test-env/processes";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { chromiumArgs, ensureChromium } from "./chromium";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Where tests leave screenshots (gitignored). */
export const artifacts = path.join(root, "tooling/e2e/artifacts");

export interface Stack {
  /** The dashboard's origin, for example `http://127.0.0.1:41234`. */
  web: string;
  browser: Browser;
  /** The stack's database, for a test that writes a row as the app would (an email sent). */
  sql: TestDatabase["handle"]["sql"];
}

/**
 * The whole product for one test file: its own database (cloned from the migrated template,
 * then seeded), apps/api from its production bundle, apps/web from `next build`, and
 * Chromium. The fields are filled in by the time the file's tests run. `apiEnv` and `webEnv`
 * add to (or override) each server's environment.
 */
export function useStack(
  seedOptions: SeedOptions,
  options: {
    apiEnv?: Record<string, string>;
    webEnv?: Record<string, string>;
    /** Background jobs: the local Inngest executor on the stack's database, the api synced. */
    jobs?: boolean;
    /** More arguments for the executor's CLI (`--backoff-ms`). */
    executorArgs?: string[];
    /** The five external providers: the simulator (in this process), the api pointed at it. */
    providers?: boolean;
  } = {},
): Stack {
  const database = useTestDatabase();
  const servers: Proc[] = [];
  const stack = {} as Stack;
  const simulator = options.providers ? createProviderSimulator() : undefined;

  beforeAll(async () => {
    for (const built of ["apps/api/dist/main.js", "apps/web/.next/BUILD_ID"]) {
      if (!existsSync(path.join(root, built))) {
        throw new Error(
          `${built} is missing: run \`pnpm build\` (turbo builds it before e2e tests)`,
        );
      }
    }
    const executablePath = ensureChromium();
    await seed(database.handle.sql, seedOptions);
    stack.sql = database.handle.sql;

    const [apiPort, webPort, executorPort] = [await freePort(), await freePort(), await freePort()];
    const executorUrl = `http://127.0.0.1:${executorPort}`;
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    stack.web = `http://127.0.0.1:${webPort}`;
    const common = {
      DATABASE_URL: database.url,
      NODE_ENV: "production",
      DB_POOL_WARM: "2",
      METRICS_PORT: "0",
      // Where the browser opens the dashboard: both servers refuse a change that carries the
      // session cookie from anywhere else (the api from /trpc, the dashboard in its actions).
      DASHBOARD_ORIGINS: stack.web,
    };
    const simulatorUrl = simulator && `http://127.0.0.1:${await simulator.listen(0)}`;
    const providerEnv = Object.fromEntries(
      simulatorUrl
        ? PROVIDERS.map((name) => [`PROVIDER_${name.toUpperCase()}_URL`, `${simulatorUrl}/${name}`])
        : [],
    );
    const api = startProc("api", process.execPath, ["dist/main.js"], {
      cwd: path.join(root, "apps/api"),
      env: {
        ...common,
        PORT: String(apiPort),
        LOG_LEVEL: "warn",
        // Every trace recorded: the Ops page's slow traces are part of what is tested.
        OTEL_TRACES_SAMPLER_ARG: "1",
        // With no executor, events wait in the outbox; nothing else listens on this port.
        INNGEST_DEV: executorUrl,
        ...providerEnv,
        ...options.apiEnv,
      },
    });
    servers.push(api);
    const executor = options.jobs
      ? startProc(
          "executor",
          "pnpm",
          [
            "--silent",
            "--filter",
            "@brisk/inngest-executor",
            "run",
            "dev",
            "--port",
            String(executorPort),
            "--sync",
            `${apiUrl}/api/inngest`,
            ...(options.executorArgs ?? []),
          ],
          { cwd: root, env: { DATABASE_URL: database.url } },
        )
      : undefined;
    if (executor) servers.push(executor);
    const nextBin = path.join(root, "apps/web/node_modules/next/dist/bin/next");
    const site = startProc("web", process.execPath, [nextBin, "start", "--port", String(webPort)], {
      cwd: path.join(root, "apps/web"),
      env: {
        ...common,
        API_URL: apiUrl,
        // The Jobs page reads runs from the executor the api uses.
        INNGEST_DEV: executorUrl,
        HOSTNAME: "127.0.0.1",
        NEXT_TELEMETRY_DISABLED: "1",
        ...options.webEnv,
      },
    });
    servers.push(site);
    await Promise.all([
      untilOk(`${apiUrl}/readyz`, api),
      untilOk(`${stack.web}/api/health`, site),
      executor && untilOk(`${executorUrl}/health`, executor),
    ]);
    stack.browser = await chromium.launch({ executablePath, args: chromiumArgs });
    mkdirSync(artifacts, { recursive: true });
  }, 180_000);

  // Registered after useTestDatabase's, so it runs before the database is dropped.
  afterAll(async () => {
    await stack.browser?.close();
    await Promise.all(servers.map((s) => s.stop()));
    await simulator?.close();
  });

  return stack;
}
