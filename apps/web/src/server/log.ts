import "server-only";
import pino from "pino";
import { serverEnv } from "@/env";

export type Logger = pino.Logger;

const globalForLog = globalThis as typeof globalThis & { __briskWebLog?: Logger };

/** One pino logger per process, same shape as apps/api's so the lines read alike. */
export function getLogger(): Logger {
  globalForLog.__briskWebLog ??= pino({
    name: "web",
    level: serverEnv().LOG_LEVEL,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
  return globalForLog.__briskWebLog;
}
