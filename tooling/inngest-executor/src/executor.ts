import type { AddressInfo } from "node:net";
import type postgres from "postgres";
import { createDriver } from "./driver";
import type { Log } from "./runs";
import { ensureSchema } from "./schema";
import { createExecutorServer } from "./server";
import { type Backoff, inngestBackoff } from "./timing";

export interface ExecutorOptions {
  /** The executor's pool; the caller owns it and ends it. */
  sql: postgres.Sql;
  /** Inngest's retry schedule by default; tests pass a shorter one. */
  backoff?: Backoff;
  /** How often due work (sleeps, retries, timeouts) is looked for when nothing nudges it. */
  pollIntervalMs?: number;
  log?: Log;
}

export interface Executor {
  /** Creates the schema if needed, starts serving and driving runs; resolves to the base URL. */
  start(port: number, host?: string): Promise<string>;
  stop(): Promise<void>;
}

export function createExecutor({
  sql,
  backoff = inngestBackoff,
  pollIntervalMs = 200,
  log = () => {},
}: ExecutorOptions): Executor {
  const driver = createDriver({ sql, backoff, pollIntervalMs, log });
  const server = createExecutorServer({ sql, log, onWork: () => driver.nudge() });
  return {
    async start(port, host = "127.0.0.1") {
      await ensureSchema(sql);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      await driver.start();
      const address = server.address() as AddressInfo;
      const urlHost = address.address.includes(":") ? `[${address.address}]` : address.address;
      return `http://${urlHost}:${address.port}`;
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await driver.stop();
      await closed;
    },
  };
}

/** Asks an app to sync: its serve endpoint answers PUT by registering with the executor. */
export async function syncApp(appUrl: string) {
  const response = await fetch(appUrl, { method: "PUT", signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`sync of ${appUrl} failed: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text;
}
