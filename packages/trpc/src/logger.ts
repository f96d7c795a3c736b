import { trace } from "@opentelemetry/api";
import pino from "pino";

export type Logger = pino.Logger;

/** JSON lines to stdout, or to `destination` (tests read what was logged). */
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
  return destination ? pino(options, destination) : pino(options);
}
