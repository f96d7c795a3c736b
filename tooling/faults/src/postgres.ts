import { readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "@brisk/db/embedded";
import { freeListenPort, until } from "@brisk/test-env/processes";

/**
 * A Postgres the suite may kill: embedded, on a fixed port and a data directory kept across
 * restarts, so the api's URL stays the same and what was committed survives the crash.
 */
export async function startKillablePostgres() {
  const dataDir = path.join(os.tmpdir(), `brisk-faults-pg-${process.pid}-${Date.now()}`);
  const port = await freeListenPort();
  let handle = await startEmbeddedPostgres({ dataDir, persistent: true, port });
  const postmasterPid = async () =>
    Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  return {
    url: handle.urlFor("brisk"),
    adminUrl: handle.adminUrl,
    /** SIGKILL to the postmaster: a crash, with no shutdown checkpoint. */
    async kill() {
      const pid = await postmasterPid();
      process.kill(pid, "SIGKILL");
      await until("the postmaster gone", () => (alive(pid) ? undefined : true));
    },
    /** Starts it again on the same port and data: crash recovery, then connections again. */
    async restart() {
      // Backends outlive a killed postmaster for a moment, holding its shared memory; the
      // new postmaster refuses to start until they have noticed and exited.
      handle = await until(
        "Postgres restarted",
        () => startEmbeddedPostgres({ dataDir, persistent: true, port }),
        { timeoutMs: 30_000, everyMs: 300 },
      );
    },
    async stop() {
      await handle.stop().catch(() => {});
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
