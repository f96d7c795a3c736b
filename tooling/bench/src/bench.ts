import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres } from "@brisk/db/embedded";
import { seedWithProgress } from "@brisk/db/seed-cli";
import postgres from "postgres";
import { parseArgs } from "./args";
import { type Row, writeReport } from "./report";
import { measureTransformers } from "./transformer";
import { W1_PATH, w2Path } from "./workloads";

/**
 * `pnpm bench`: PRODUCT.md's workload against Brisk and, in the same run on the same
 * database, the baselines: `naive` (N+1) and `ceiling` (node:http + postgres.js, no framework).
 * Every server is its own process, started as production would and measured one at a time.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const args = parseArgs(process.argv.slice(2));
const tsx = createRequire(import.meta.url).resolve("tsx");
const loadScript = fileURLToPath(new URL("./load.ts", import.meta.url));
const USERS = 10_000;

const hardStop = setTimeout(() => {
  process.stderr.write("bench: 5-minute limit reached, stopping\n");
  void cleanup().then(() => process.exit(1));
}, 290_000);

const children = new Set<ChildProcess>();
let stopPostgres: (() => Promise<void>) | null = null;
const dataDir = path.join(os.tmpdir(), `brisk-bench-${process.pid}`);

async function cleanup() {
  for (const child of children) child.kill("SIGKILL");
  await stopPostgres?.();
  await rm(dataDir, { recursive: true, force: true });
}
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));

function say(line: string) {
  process.stderr.write(`${line}\n`);
}

interface Variant {
  name: Row["variant"];
  command: string[];
  workloads: Workload[];
}

type Workload = Row["workload"];

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function waitReady(base: string, child: ChildProcess) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${base} did not become ready`);
}

/** Runs the load generator (src/load.ts) as its own process and reads its one JSON line. */
function load(base: string, workload: Workload, seconds: number) {
  const spec = { base, workload, connections: args.connections, seconds, users: USERS };
  return new Promise<{ rps: number; p50: number; p99: number; errors: number }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, ["--import", tsx, loadScript, JSON.stringify(spec)], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      children.add(child);
      let out = "";
      child.stdout.on("data", (chunk) => {
        out += chunk;
      });
      child.on("exit", (code) => {
        children.delete(child);
        if (code === 0) resolve(JSON.parse(out));
        else reject(new Error(`load generator exited with ${code}`));
      });
    },
  );
}

async function runVariant(variant: Variant, env: Record<string, string>): Promise<Row[]> {
  const port = 4100;
  const [command, ...rest] = variant.command;
  const child = spawn(command!, rest, {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.add(child);
  const base = `http://127.0.0.1:${port}`;
  const rows: Row[] = [];
  try {
    await waitReady(base, child);
    for (const workload of variant.workloads) {
      say(`  ${variant.name} ${workload}: ${args.warmup} s warm-up, ${args.duration} s load`);
      if (args.warmup > 0) await load(base, workload, args.warmup);
      let peak = 0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssMb(child.pid!));
      }, 200);
      const result = await load(base, workload, args.duration);
      clearInterval(sampler);
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
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    children.delete(child);
  }
  return rows;
}

/** Every variant must give the same answer, or the comparison means nothing. */
async function checkSameAnswers(variants: Variant[], env: Record<string, string>) {
  const answers = new Map<string, string>();
  for (const variant of variants) {
    const port = 4100;
    const [command, ...rest] = variant.command;
    const child = spawn(command!, rest, {
      cwd: root,
      env: { ...process.env, ...env, PORT: String(port), DB_POOL_WARM: "1" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitReady(base, child);
      for (const p of [W1_PATH, w2Path(4242)]) {
        if (p.includes("byId") && variant.name === "naive") continue;
        const body = await (await fetch(base + p)).text();
        const key = p.split("?")[0]!;
        const expected = answers.get(key);
        if (expected === undefined) answers.set(key, body);
        else if (expected !== body) throw new Error(`${variant.name} answers ${key} differently`);
      }
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  }
}

const started = Date.now();
say("bench: starting embedded Postgres and seeding the benchmark dataset");
const pg = await startEmbeddedPostgres({ dataDir, persistent: false });
stopPostgres = pg.stop;
const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
await admin`create database bench`;
await admin.end();
const databaseUrl = pg.urlFor("bench");
const seeded = await seedWithProgress(databaseUrl, { demo: false });
say(`bench: ${seeded.users} users, ${seeded.posts} posts in ${seeded.seconds} s`);

say("bench: building apps/api");
execFileSync("pnpm", ["--filter", "@brisk/api", "build"], { cwd: root, stdio: "ignore" });

const env = {
  DATABASE_URL: databaseUrl,
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  MIGRATE_ON_START: "false",
  METRICS_PORT: "0",
};
const node = process.execPath;
const variants: Variant[] = [
  { name: "brisk", command: [node, "apps/api/dist/main.js"], workloads: ["W1", "W2"] },
  {
    name: "naive",
    command: [node, "--import", tsx, "tooling/bench/src/servers/naive.ts"],
    workloads: ["W1"],
  },
  {
    name: "ceiling",
    command: [node, "--import", tsx, "tooling/bench/src/servers/ceiling.ts"],
    workloads: ["W1", "W2"],
  },
];

await checkSameAnswers(variants, env);
const rows: Row[] = [];
for (const variant of variants) rows.push(...(await runVariant(variant, env)));

const transformers = await measureTransformers(databaseUrl);
await writeReport({ root, rows, transformers, jsonFile: args.json, args });
say(`bench: done in ${Math.round((Date.now() - started) / 1000)} s`);
clearTimeout(hardStop);
await cleanup();
process.exit(0);
