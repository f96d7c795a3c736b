import { freePort } from "@brisk/db/embedded";
import { parseArgs } from "./args";
import { createHarness, root, rssMb, say, stop, tsx, waitReady } from "./harness";
import { type Row, writeReport } from "./report";
import { measureTransformers } from "./transformer";
import { W1_PATH, type Workload, w2Path } from "./workloads";

/**
 * `pnpm bench`: the benchmark workload (docs/PERFORMANCE.md) against Brisk and, in the same
 * run on the same database, the baselines: `naive` (N+1) and `ceiling` (node:http + postgres.js, no framework).
 * `brisk` and `brisk-notel` (TELEMETRY=off, so the table shows what telemetry costs) run with
 * the cache off: the uncached path. `brisk-cached` runs W2 through both cache tiers (Redis
 * behind the Upstash bridge), against `ceiling-memory` (node:http answering from a Map).
 * Every server is its own process, started as production would and measured one at a time.
 */
const args = parseArgs(process.argv.slice(2));
const harness = createHarness({ name: "bench", limitMs: 290_000 });

interface Variant {
  name: Row["variant"];
  command: string[];
  env: Record<string, string>;
  workloads: Workload[];
  /** Scrape the api's /metrics around each point, to count the SQL its requests cost. */
  scrape?: boolean;
  /** Read every W2 id once before the warm-up: the point measures reads of cached keys. */
  prime?: boolean;
}

/** What the api's /metrics says so far: procedure calls answered, SQL statements sent. */
async function counts(metricsUrl: string) {
  const text = await (await fetch(metricsUrl)).text();
  const sum = (prefix: string) =>
    text
      .split("\n")
      .filter((line) => line.startsWith(prefix))
      .reduce((total, line) => total + Number(line.split(" ").at(-1)), 0);
  return {
    calls: sum("brisk_rpc_requests_total{"),
    statements: sum("brisk_db_statement_duration_seconds_count"),
  };
}

/** Starts a variant on a free port (a fixed one may belong to someone else's server). */
async function startServer(variant: Variant, env: Record<string, string>) {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const [command, ...rest] = variant.command;
  const child = harness.spawn(command!, rest, {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      ...variant.env,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitReady(base, child);
  } catch (error) {
    await stop(child);
    throw error;
  }
  return { child, base, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

/** Share of a point's requests that sent no SQL (each statement charged to one request). */
const noSql: Partial<Record<Workload, number>> = {};

async function runVariant(variant: Variant, env: Record<string, string>): Promise<Row[]> {
  const { child, base, metricsUrl } = await startServer(variant, env);
  const rows: Row[] = [];
  try {
    for (const workload of variant.workloads) {
      say(`  ${variant.name} ${workload}: ${args.warmup} s warm-up, ${args.duration} s load`);
      const spec = { base, workload, connections: args.connections };
      if (variant.prime) await harness.load({ ...spec, seconds: 0, sweep: true });
      if (args.warmup > 0) await harness.load({ ...spec, seconds: args.warmup });
      let peak = 0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssMb(child.pid!));
      }, 200);
      const before = variant.scrape ? await counts(metricsUrl) : undefined;
      const result = await harness.load({ ...spec, seconds: args.duration });
      clearInterval(sampler);
      if (before) {
        const after = await counts(metricsUrl);
        const calls = after.calls - before.calls;
        noSql[workload] = calls > 0 ? 1 - (after.statements - before.statements) / calls : 0;
      }
      if (child.exitCode !== null) throw new Error(`${variant.name} exited during ${workload}`);
      peak = Math.max(peak, rssMb(child.pid!));
      rows.push({
        workload,
        variant: variant.name,
        rps: Math.round(result.rps),
        p50_ms: result.p50,
        p99_ms: result.p99,
        errors: result.errors,
        rss_mb: Math.round(peak),
      });
    }
  } finally {
    await stop(child);
  }
  return rows;
}

/** Every variant must give the same answer, or the comparison means nothing. */
async function checkSameAnswers(variants: Variant[], env: Record<string, string>) {
  const answers = new Map<string, string>();
  for (const variant of variants) {
    const { child, base } = await startServer(variant, { ...env, DB_POOL_WARM: "1" });
    try {
      for (const p of [W1_PATH, w2Path(4242)]) {
        const workload: Workload = p === W1_PATH ? "W1" : "W2";
        if (!variant.workloads.includes(workload)) continue;
        // Twice: a cached variant answers the second time from its cache.
        for (let i = 0; i < 2; i++) {
          const body = await (await fetch(base + p)).text();
          const key = p.split("?")[0]!;
          const expected = answers.get(key);
          if (expected === undefined) answers.set(key, body);
          else if (expected !== body) throw new Error(`${variant.name} answers ${key} differently`);
        }
      }
    } finally {
      await stop(child);
    }
  }
}

await harness.run(async () => {
  const started = Date.now();
  const databaseUrl = await harness.startDatabase();
  const redis = await harness.startRedis();
  await harness.buildApi();

  const env = {
    DATABASE_URL: databaseUrl,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    MIGRATE_ON_START: "false",
  };
  const node = process.execPath;
  const api = [node, "apps/api/dist/main.js"];
  const variants: Variant[] = [
    {
      name: "brisk",
      command: api,
      env: { TELEMETRY: "on", CACHE: "off" },
      workloads: ["W1", "W2"],
    },
    {
      name: "brisk-notel",
      command: api,
      env: { TELEMETRY: "off", CACHE: "off" },
      workloads: ["W1", "W2"],
    },
    {
      name: "brisk-cached",
      command: api,
      env: {
        TELEMETRY: "on",
        CACHE: "on",
        UPSTASH_REDIS_REST_URL: redis.url,
        UPSTASH_REDIS_REST_TOKEN: redis.token,
      },
      workloads: ["W2"],
      scrape: true,
      prime: true,
    },
    {
      name: "naive",
      command: [node, "--import", tsx, "tooling/bench/src/servers/naive.ts"],
      env: {},
      workloads: ["W1"],
    },
    {
      name: "ceiling",
      command: [node, "--import", tsx, "tooling/bench/src/servers/ceiling.ts"],
      env: {},
      workloads: ["W1", "W2"],
    },
    {
      name: "ceiling-memory",
      command: [node, "--import", tsx, "tooling/bench/src/servers/ceiling-memory.ts"],
      env: {},
      workloads: ["W2"],
    },
  ];

  await checkSameAnswers(variants, env);
  const rows: Row[] = [];
  for (const variant of variants) rows.push(...(await runVariant(variant, env)));

  const transformers = await measureTransformers(databaseUrl);
  await writeReport({ root, rows, noSql, transformers, jsonFile: args.json, args });
  say(`bench: done in ${Math.round((Date.now() - started) / 1000)} s`);
});
