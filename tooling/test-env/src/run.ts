import { spawn } from "node:child_process";
import { startTestPostgres } from "@brisk/db/testing";

/**
 * `pnpm test`: one embedded Postgres for the whole run, shared by every package's tests
 * through TEST_DATABASE_URL (a migrated template each test file clones), then the command.
 */
const [command, ...args] = process.argv.slice(2);
if (!command) throw new Error("usage: run.ts <command> [args…]");

const pg = await startTestPostgres();
const child = spawn(command, args, {
  stdio: "inherit",
  env: { ...process.env, TEST_DATABASE_URL: pg.templateUrl },
});
const stopChild = (signal: NodeJS.Signals) => child.kill(signal);
process.on("SIGINT", stopChild);
process.on("SIGTERM", stopChild);
const code = await new Promise<number>((resolve) =>
  child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0))),
);
await pg.stop();
process.exit(code);
