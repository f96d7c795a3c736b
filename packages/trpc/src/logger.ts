import { trace } from "@opentelemetry/api";
import pino from "pino";

export type Logger = pino.Logger;

/**
 * JSON lines to stdout, or to `destination` (tests read what was logged). Stdout is written
 * asynchronously (pino's async destination, flushed when the process exits), so a log line
 * never holds up a request on a slow terminal or pipe.
 */
export function createLogger(
  level: string,
  name: string,
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Every line written inside a traced call carries its trace, to jump from log to trace.
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { traceId, spanId };
    },
  };
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}

/** What procedures log through: a request's lines, each with its id. */
export type RequestLog = Pick<Logger, "fatal" | "error" | "warn" | "info" | "debug">;

/**
 * The process's logger with the request's id on every line, made on the first line logged:
 * most requests log nothing of their own, and a pino child costs more than this.
 */
export function requestLog(parent: Logger, reqId: string): RequestLog {
  let child: Logger | undefined;
  const log = () => {
    child ??= parent.child({ reqId });
    return child;
  };
  return {
    fatal: (...args: Parameters<Logger["fatal"]>) => log().fatal(...args),
    error: (...args: Parameters<Logger["error"]>) => log().error(...args),
    warn: (...args: Parameters<Logger["warn"]>) => log().warn(...args),
    info: (...args: Parameters<Logger["info"]>) => log().info(...args),
    debug: (...args: Parameters<Logger["debug"]>) => log().debug(...args),
  } as RequestLog;
}
