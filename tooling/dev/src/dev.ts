import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Balancer, startBalancer } from "@brisk/balancer";
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from "@brisk/db/embedded";
import { seedWithProgress } from "@brisk/db/seed-cli";
import { createUpstashBridge } from "@brisk/upstash-bridge";
import { type RedisServer, startRedisServer } from "@brisk/upstash-bridge/redis-server";
import postgres from "postgres";
import { z } from "zod";
import { loadDevEnv } from "./env";

/**
 * `pnpm dev`: the whole product on embedded defaults. Postgres (embedded unless DATABASE_URL
 * is set), migrations and the first-run seed, then apps/api and apps/web. Ctrl-C stops all of
 * it: each child runs in its own process group, which is signalled as a whole. The root
 * package.json runs this with `exec`, so on Ctrl-C pnpm sees this process exit 0, not a shell
 * killed by SIGINT (which it would report as a failed command).
 *
 * `pnpm dev --instances N` runs N api processes behind HAProxy (Debian's, installed when
 * missing) on the api's port, as production runs them, with Redis behind the Upstash bridge
 * for what they share (cache, sessions' revocation, rate limits): the dashboard and the
 * executor reach the api through the balancer.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const env = loadDevEnv();
const { values } = parseArgs({ options: { instances: { type: "string", default: "1" } } });
const instances = z.coerce
  .number()
  .int()
  .min(1, "--instances: at least 1")
  .max(8, "--instances: at most 8 on one machine")
  .parse(values.instances);
const children: ChildProcess[] = [];
let embedded: EmbeddedPostgresHandle | null = null;
let balancer: Balancer | null = null;
let redis: { server: RedisServer; bridge: ReturnType<typeof createUpstashBridge> } | null = null;
let stopping = false;

function say(line: string) {
  process.stdout.write(`\x1b[36m[dev]\x1b[0m ${line}\n`);
}

async function ensureDatabase(handle: EmbeddedPostgresHandle, name: string) {
  const admin = postgres(handle.adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await admin`select 1 as ok from pg_database where datname = ${name}`;
    if (!row) await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
}

/** An app's own `dev` script; pnpm stays silent, so Ctrl-C ends without its failure lines. */
function run(name: string, pkg: string, extraEnv: Record<string, string>, args: string[] = []) {
  const child = spawn("pnpm", ["--silent", "--filter", pkg, "run", "dev", ...args], {
    cwd: root,
    env: { ...process.env, ...extraEnv },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping everything`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

async function waitFor(url: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  say("stopping…");
  const exits = children
    .filter((c) => c.exitCode === null && c.signalCode === null)
    .map(
      (c) =>
        new Promise<void>((resolve) => {
          c.once("exit", () => resolve());
          try {
            process.kill(-c.pid!, "SIGTERM");
          } catch {
            resolve();
          }
          setTimeout(() => {
            try {
              process.kill(-c.pid!, "SIGKILL");
            } catch {}
            resolve();
          }, 8_000).unref();
        }),
    );
  await Promise.all(exits);
  await balancer?.stop();
  await redis?.bridge.close();
  await redis?.server.stop();
  if (embedded) await embedded.stop();
  say("stopped");
  process.exit(code);
}

process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

let databaseUrl = env.DATABASE_URL;
if (databaseUrl) {
  say("using DATABASE_URL; no embedded Postgres");
} else {
  say(`starting embedded Postgres (data in ${path.relative(root, env.dataDir)}/)`);
  embedded = await startEmbeddedPostgres({ dataDir: env.dataDir, persistent: true });
  await ensureDatabase(embedded, "brisk");
  databaseUrl = embedded.urlFor("brisk");
}

const seeded = await seedWithProgress(databaseUrl, { demo: true });
say(
  seeded.seeded
    ? `seeded ${seeded.users} users and ${seeded.posts} posts in ${seeded.seconds} s`
    : "database already seeded",
);

const apiUrl = `http://127.0.0.1:${env.API_PORT}`;
const executorUrl = `http://127.0.0.1:${env.EXECUTOR_PORT}`;
// Background jobs: the local Inngest executor, on the same database (its own schema), syncs
// the api's serve endpoint once the api answers and runs the api's functions from then on.
run(
  "executor",
  "@brisk/inngest-executor",
  { DATABASE_URL: databaseUrl, INNGEST_EXECUTOR_PORT: String(env.EXECUTOR_PORT) },
  ["--sync", `${apiUrl}/api/inngest`],
);
// The external providers reports read: the simulator, answering as they would (latency,
// realistic figures), with faults to inject through its control endpoint.
const providersUrl = `http://127.0.0.1:${env.PROVIDERS_PORT}`;
run("providers", "@brisk/provider-simulator", {}, ["--port", String(env.PROVIDERS_PORT)]);
const providerUrls = Object.fromEntries(
  ["pageviews", "social", "search", "newsletter", "revenue"].map((name) => [
    `PROVIDER_${name.toUpperCase()}_URL`,
    `${providersUrl}/${name}`,
  ]),
);
const shared = {
  DATABASE_URL: databaseUrl,
  NODE_ENV: "development",
  // The dashboard as a browser reaches it: its cookie-carrying writes name this origin.
  DASHBOARD_ORIGINS: `http://localhost:${env.WEB_PORT},http://127.0.0.1:${env.WEB_PORT}`,
};
const apiEnv = {
  ...shared,
  // Every trace recorded, so the Ops page shows each slow request of a developer's session.
  OTEL_TRACES_SAMPLER_ARG: "1",
  MIGRATE_ON_START: "false",
  INNGEST_DEV: executorUrl,
  ...providerUrls,
};
if (instances === 1) {
  // One api, and the dashboard writes through it: tier 1 keeps entries without Redis too.
  run("api", "@brisk/api", { ...apiEnv, API_INSTANCES: "single", PORT: String(env.API_PORT) });
} else {
  let redisEnv = {};
  if (!env.UPSTASH_REDIS_REST_URL) {
    const server = await startRedisServer();
    const token = randomBytes(16).toString("hex");
    const bridge = createUpstashBridge({ redisUrl: server.url, token });
    redis = { server, bridge };
    const port = await bridge.listen(0, "127.0.0.1");
    redisEnv = {
      UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${port}`,
      UPSTASH_REDIS_REST_TOKEN: token,
    };
    say(`redis-server ${server.url} behind the Upstash bridge on port ${port}`);
  }
  const backends = Array.from({ length: instances }, (_, i) => ({
    name: `api${i + 1}`,
    port: env.API_PORT + 1 + i,
  }));
  for (const [i, backend] of backends.entries()) {
    run(backend.name, "@brisk/api", {
      ...apiEnv,
      ...redisEnv,
      API_INSTANCES: "several",
      PORT: String(backend.port),
      METRICS_PORT: String(9464 + i),
      // The balancer appends the client's address to X-Forwarded-For.
      TRUST_PROXY_HOPS: "1",
    });
  }
  balancer = await startBalancer({ backends, port: env.API_PORT });
  say(
    `HAProxy on port ${env.API_PORT} in front of ${backends.map((b) => `${b.name} :${b.port}`).join(", ")}`,
  );
}
run("web", "@brisk/web", {
  ...shared,
  PORT: String(env.WEB_PORT),
  API_URL: apiUrl,
  // The Jobs page reads runs from the same executor.
  INNGEST_DEV: executorUrl,
});

const [apiUp, webUp, executorUp, providersUp] = await Promise.all([
  waitFor(`${apiUrl}/readyz`, 60_000),
  waitFor(`http://127.0.0.1:${env.WEB_PORT}/api/health`, 90_000),
  waitFor(`${executorUrl}/health`, 60_000),
  waitFor(`${providersUrl}/health`, 60_000),
]);
say(
  `api  ${apiUp ? "ready" : "NOT ready"}  ${apiUrl}/trpc  (health ${apiUrl}/readyz${instances > 1 ? `; ${instances} instances behind HAProxy` : ""})`,
);
say(`web  ${webUp ? "ready" : "NOT ready"}  http://localhost:${env.WEB_PORT}`);
say(
  `jobs ${executorUp ? "ready" : "NOT ready"}  ${executorUrl} (local Inngest executor; runs at /v1/runs)`,
);
say(
  `providers ${providersUp ? "ready" : "NOT ready"}  ${providersUrl} (simulator; faults: PUT ${providersUrl}/_control/faults)`,
);
say(
  redis
    ? "cache: in-process tier + Redis (its own redis-server, shared by the instances)"
    : env.UPSTASH_REDIS_REST_URL
      ? `cache: in-process tier + Redis at ${env.UPSTASH_REDIS_REST_URL}`
      : "cache: in-process tier only (for Redis: `pnpm bridge --with-redis`, then set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN)",
);
say("Ctrl-C stops everything");
