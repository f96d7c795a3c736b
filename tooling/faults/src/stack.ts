import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Balancer, startBalancer } from "@brisk/balancer";
import { runMigrations } from "@brisk/db";
import { DEMO_PASSWORD, type SeedOptions, seed } from "@brisk/db/seed";
import { type LocalExecutor, spawnLocalExecutor } from "@brisk/jobs/testing";
import { createProviderSimulator, PROVIDERS } from "@brisk/provider-simulator";
import { freeListenPort, type Proc, startProc, until, untilOk } from "@brisk/test-env/processes";
import { startTestRedis, type TestRedis } from "@brisk/upstash-bridge/testing";
import postgres from "postgres";
import { startKillablePostgres } from "./postgres";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const apiBundle = path.join(root, "apps/api/dist/main.js");

export interface ApiInstance {
  name: string;
  port: number;
  origin: string;
  metricsUrl: string;
  proc: Proc;
  /** Starts the instance's process again (a deploy's new version) and waits until ready. */
  start(): Promise<void>;
}

export interface StackOptions {
  instances?: number;
  /** Redis (redis-server behind the Upstash bridge) for the instances' shared cache tier. */
  redis?: boolean;
  /** The local Inngest executor, syncing the api through the balancer. */
  jobs?: boolean;
  /** Retry failed steps after this long, instead of Inngest's schedule (minutes). */
  executorBackoffMs?: number;
  seed?: SeedOptions;
  apiEnv?: Record<string, string>;
}

/**
 * The product as production runs it, every part a real process on this machine: Postgres
 * (killable), Redis behind the Upstash bridge, the provider simulator, the local Inngest
 * executor, N api instances from the production bundle, and HAProxy in front of them, which
 * is where clients and the executor send their requests.
 */
export async function startStack(options: StackOptions = {}) {
  if (!existsSync(apiBundle)) {
    throw new Error(
      `${apiBundle} is missing: run \`pnpm build\` (turbo builds it before this suite)`,
    );
  }
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const pg = await startKillablePostgres();
    cleanups.push(pg.stop);
    const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe("create database brisk");
    await admin.end();
    await runMigrations(pg.url);
    const sql = postgres(pg.url, { max: 4, onnotice: () => {} });
    cleanups.push(() => sql.end({ timeout: 1 }));
    await seed(sql, { users: 200, postsPerUser: 3, demo: true, ...options.seed });

    const redis: TestRedis | undefined = options.redis ? await startTestRedis() : undefined;
    if (redis) cleanups.push(redis.stop);
    const simulator = createProviderSimulator();
    const simulatorUrl = `http://127.0.0.1:${await simulator.listen(0)}`;
    cleanups.push(() => simulator.close());

    const count = options.instances ?? 2;
    const ports = await Promise.all(Array.from({ length: count }, () => freeListenPort()));
    const balancer: Balancer = await startBalancer({
      backends: ports.map((port, i) => ({ name: `api${i + 1}`, port })),
    });
    cleanups.push(balancer.stop);
    const executorPort = await freeListenPort();
    const executorUrl = `http://127.0.0.1:${executorPort}`;

    const env = {
      DATABASE_URL: pg.url,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      MIGRATE_ON_START: "false",
      DB_POOL_WARM: "2",
      DB_POOL_MAX: "10",
      METRICS_HOST: "127.0.0.1",
      // The balancer appends the client's address to X-Forwarded-For.
      TRUST_PROXY_HOPS: "1",
      // Every client of the load generator comes from 127.0.0.1: one address, many people.
      RATE_LIMIT_MULTIPLIER: "50",
      DASHBOARD_ORIGINS: "http://dashboard.faults.test",
      INNGEST_DEV: executorUrl,
      ...(redis && {
        UPSTASH_REDIS_REST_URL: redis.restUrl,
        UPSTASH_REDIS_REST_TOKEN: redis.token,
        // Generous: a loaded two-core machine must not read a slow answer as an outage.
        CACHE_REDIS_TIMEOUT_MS: "500",
      }),
      ...Object.fromEntries(
        PROVIDERS.map((name) => [`PROVIDER_${name.toUpperCase()}_URL`, `${simulatorUrl}/${name}`]),
      ),
      ...options.apiEnv,
    };

    const apis: ApiInstance[] = [];
    for (const [i, port] of ports.entries()) {
      const metricsPort = await freeListenPort();
      const instance: ApiInstance = {
        name: `api${i + 1}`,
        port,
        origin: `http://127.0.0.1:${port}`,
        metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
        proc: undefined as unknown as Proc,
        async start() {
          instance.proc = startProc(instance.name, process.execPath, [apiBundle], {
            cwd: path.join(root, "apps/api"),
            env: { ...env, PORT: String(port), METRICS_PORT: String(metricsPort) },
          });
          await untilOk(`${instance.origin}/readyz`, instance.proc);
        },
      };
      apis.push(instance);
    }
    cleanups.push(() => Promise.all(apis.map((api) => api.proc?.signal("SIGKILL"))));
    await Promise.all(apis.map((api) => api.start()));
    await Promise.all(apis.map((api) => balancer.until(api.name, "UP")));

    let executor: LocalExecutor | undefined;
    const startExecutor = async () => {
      executor = spawnLocalExecutor({
        databaseUrl: pg.url,
        port: executorPort,
        sync: `${balancer.url}/api/inngest`,
        ...(options.executorBackoffMs !== undefined && { backoffMs: options.executorBackoffMs }),
      });
      const started = executor;
      await until(
        "the executor answering",
        async () => ((await fetch(`${executorUrl}/health`)).ok ? true : undefined),
        { context: started.output },
      );
    };
    if (options.jobs) {
      await startExecutor();
      cleanups.push(() => executor?.kill() ?? Promise.resolve());
    }

    return {
      url: balancer.url,
      pg,
      sql,
      redis,
      simulator,
      balancer,
      apis,
      executor: {
        url: executorUrl,
        start: startExecutor,
        kill: () => executor?.kill() ?? Promise.resolve(),
        output: () => executor?.output() ?? "",
      },
      /** A demo account's session token, signed in through the balancer, for bearer calls. */
      async signIn(email = "admin@brisk.dev") {
        const res = await fetch(`${balancer.url}/trpc/auth.signIn`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email, password: DEMO_PASSWORD }),
        });
        if (res.status !== 200) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
        const cookie = res.headers.getSetCookie()[0] ?? "";
        return cookie.split(";")[0]!.split("=")[1]!;
      },
      output: () =>
        [
          ...apis.map((api) => `--- ${api.name}\n${api.proc.output().slice(-4_000)}`),
          `--- haproxy\n${balancer.output().slice(-4_000)}`,
        ].join("\n"),
      async stop() {
        for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
      },
    };
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    throw error;
  }
}

export type Stack = Awaited<ReturnType<typeof startStack>>;
