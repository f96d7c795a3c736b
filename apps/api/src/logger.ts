import pino from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string, name = "api"): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
