import "server-only";
import { createLogger, type Logger } from "@brisk/api";
import { serverEnv } from "@/env";

const globalForLog = globalThis as typeof globalThis & { __briskWebLog?: Logger };

/** One pino logger per process, built like apps/api's so the lines read alike. */
export function getLogger(): Logger {
  globalForLog.__briskWebLog ??= createLogger(serverEnv().LOG_LEVEL, "web");
  return globalForLog.__briskWebLog;
}
