import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres } from "@brisk/db/embedded";
import { seedWithProgress } from "@brisk/db/seed-cli";
import { createUpstashBridge } from "@brisk/upstash-bridge";
import { startRedisServer } from "@brisk/upstash-bridge/redis-server";
import postgres from "postgres";
import type { Workload } from "./workloads";

/**
 * What `pnpm bench` and `pnpm profile` share: the seeded embedded Postgres, the api build,
 * servers and load generators as child processes, and one cleanup that leaves nothing behind.
 */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const tsx = createRequire(import.meta.url).resolve("tsx");
const loadScript = fileURLToPath(new URL("./load.ts", import.meta.url));
export const USERS = 10_000;

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** What src/load.ts runs. */
export interface LoadSpec {
  base: string;
  workload: Workload;
  connections: number;
  seconds: number;
  sweep?: boolean;
  /** Cookie headers, one per connection (signed-in clients). */
  cookies?: string[] | undefined;
  /** W3: an admin API key, sent as a bearer token on every request. */
  token?: string | undefined;
  /** W4: the tag that makes this run's invitees' emails unique, and the admin API key. */
  invite?: { tag: string; token?: string } | undefined;
  /** Requests per second across all connections; as fast as the server answers if absent. */
  rate?: number | undefined;
}

export function say(line: string) {
  process.stderr.write(`${line}\n`);
}

/** Resident set size of a running process; 0 once it is gone. */
export function rssMb(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return 0;
  }
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/**
 * One run of a tool. Every child process goes through `spawn` so `cleanup` can kill it;
 * past `limitMs` the run stops itself, and SIGINT or a thrown error cleans up too.
 */
export function createHarness(options: { name: string; limitMs: number }) {
  const children = new Set<ChildProcess>();
  let stopPostgres: (() => Promise<void>) | null = null;
  let stopRedis: (() => Promise<void>) | null = null;
  const dataDir = path.join(os.tmpdir(), `brisk-${options.name}-${process.pid}`);

  async function cleanup() {
    for (const child of children) child.kill("SIGKILL");
    await Promise.all([stopPostgres?.(), stopRedis?.()]);
    stopPostgres = null;
    stopRedis = null;
    await rm(dataDir, { recursive: true, force: true });
  }

  const hardStop = setTimeout(() => {
    say(`${options.name}: ${Math.round(options.limitMs / 1000)} s limit reached, stopping`);
    void cleanup().then(() => process.exit(1));
  }, options.limitMs);
  process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));
  process.on("uncaughtException", (error) => {
    say(`${options.name}: ${error.stack ?? error.message}`);
    void cleanup().then(() => process.exit(1));
  });

  function track(command: string, args: string[], spawnOptions: Parameters<typeof spawn>[2]) {
    const child = spawn(command, args, spawnOptions);
    children.add(child);
    child.once("exit", () => children.delete(child));
    return child;
  }

  function startLoad(spec: LoadSpec) {
    const child = track(
      process.execPath,
      ["--import", tsx, loadScript, JSON.stringify({ ...spec, users: USERS })],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout?.on("data", (chunk) => {
      out += chunk;
    });
    const result = new Promise<LoadResult>((resolve, reject) => {
      child.on("exit", (code) => {
        if (code === 0) resolve(JSON.parse(out));
        else reject(new Error(`load generator exited with ${code}`));
      });
    });
    return {
      result,
      stop() {
        child.kill("SIGTERM");
        return result;
      },
    };
  }

  return {
    /** Runs `main`, then cleans up and exits: 0 when it resolved, 1 when it threw. */
    async run(main: () => Promise<void>): Promise<never> {
      let code = 0;
      try {
        await main();
      } catch (error) {
        say(`${options.name}: ${error instanceof Error ? error.message : String(error)}`);
        code = 1;
      }
      clearTimeout(hardStop);
      await cleanup();
      process.exit(code);
    },

    spawn: track,

    /** An embedded Postgres with the benchmark dataset in database `bench`; returns its URL. */
    async startDatabase(): Promise<string> {
      say(`${options.name}: starting embedded Postgres and seeding the benchmark dataset`);
      const pg = await startEmbeddedPostgres({ dataDir, persistent: false });
      stopPostgres = pg.stop;
      const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
      await admin`create database bench`;
      await admin.end();
      const databaseUrl = pg.urlFor("bench");
      const seeded = await seedWithProgress(databaseUrl, { demo: false });
      say(`${options.name}: ${seeded.users} users, ${seeded.posts} posts in ${seeded.seconds} s`);
      return databaseUrl;
    },

    /**
     * Debian's redis-server (no persistence) behind the Upstash REST bridge, as the cached
     * variant's tier 2; returns what UPSTASH_REDIS_REST_URL and _TOKEN must be.
     */
    async startRedis(): Promise<{ url: string; token: string }> {
      const redis = await startRedisServer();
      const token = "bench";
      const bridge = createUpstashBridge({ redisUrl: redis.url, token });
      stopRedis = async () => {
        await bridge.close();
        await redis.stop();
      };
      return { url: `http://127.0.0.1:${await bridge.listen(0, "127.0.0.1")}`, token };
    },

    /** `pnpm --filter @brisk/api build` → apps/api/dist/main.js; its output only on failure. */
    buildApi(): Promise<void> {
      say(`${options.name}: building apps/api`);
      return new Promise((resolve, reject) => {
        execFile("pnpm", ["--filter", "@brisk/api", "build"], { cwd: root }, (error, out, err) => {
          if (error) reject(new Error(`apps/api build failed:\n${out}${err}`));
          else resolve();
        });
      });
    },

    /** Runs the load generator (src/load.ts) as its own process and reads its one JSON line. */
    load(spec: LoadSpec) {
      return startLoad(spec).result;
    },

    /**
     * The load generator, started: `stop()` ends it before its `seconds` are up and gives
     * what it measured until then (load that runs beside another measurement).
     */
    startLoad,
  };
}

export async function waitReady(base: string, child: ChildProcess) {
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

/** SIGTERM, then the exit code once the process is gone (null when a signal ended it). */
export function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode);
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  return exited;
}
