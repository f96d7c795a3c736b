import { parseArgs } from "node:util";
import postgres from "postgres";
import { loadExecutorEnv, parseExecutorArgs } from "./env";
import { createExecutor, syncApp } from "./executor";

/**
 * `pnpm executor [--port 8288] [--sync http://127.0.0.1:3001/api/inngest]… [--backoff-ms N]`:
 * the local Inngest executor on DATABASE_URL. `--backoff-ms` replaces Inngest's retry schedule
 * with a fixed delay, for tests only (a failure on its last attempt in seconds, not hours). Each --sync URL is asked to register (PUT) once the executor
 * listens, retried while the app is still starting.
 */
const { values } = parseArgs({
  options: {
    port: { type: "string" },
    sync: { type: "string", multiple: true },
    "backoff-ms": { type: "string" },
  },
});
const env = loadExecutorEnv();
const args = parseExecutorArgs(values);

function say(line: string) {
  process.stdout.write(`\x1b[36m[executor]\x1b[0m ${line}\n`);
}

const sql = postgres(env.DATABASE_URL, { max: 10, onnotice: () => {} });
const backoffMs = args["backoff-ms"];
const executor = createExecutor({
  sql,
  log: say,
  ...(backoffMs !== undefined ? { backoff: () => backoffMs } : {}),
});
const url = await executor.start(args.port ?? env.INNGEST_EXECUTOR_PORT, env.INNGEST_EXECUTOR_HOST);
say(`listening at ${url}; point apps at it with INNGEST_DEV=${url}`);

let stopping = false;

async function syncWithRetries(appUrl: string) {
  for (let attempt = 1; !stopping; attempt++) {
    try {
      await syncApp(appUrl);
      say(`synced ${appUrl}`);
      return;
    } catch (error) {
      if (attempt === 1 || attempt % 10 === 0)
        say(`waiting for ${appUrl} to sync (${String(error)})`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * attempt)));
    }
  }
}
for (const appUrl of args.sync) void syncWithRetries(appUrl);

async function stop() {
  if (stopping) return;
  stopping = true;
  await executor.stop();
  await sql.end({ timeout: 5 });
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
