import { AsyncLocalStorage } from "node:async_hooks";

interface RequestTiming {
  startedAt: number;
  dbSeconds: number;
}

// Per HTTP request: statements add their time here, and the response's Server-Timing reads it.
const scope = new AsyncLocalStorage<RequestTiming>();

export function runInRequestScope<T>(work: () => T): T {
  return scope.run({ startedAt: performance.now(), dbSeconds: 0 }, work);
}

export function addDatabaseTime(seconds: number) {
  const timing = scope.getStore();
  if (timing) timing.dbSeconds += seconds;
}

/** `db;dur=12.3, total;dur=45.6` (milliseconds), for the Server-Timing header. */
export function serverTiming(): string | undefined {
  const timing = scope.getStore();
  if (!timing) return undefined;
  const total = performance.now() - timing.startedAt;
  return `db;dur=${(timing.dbSeconds * 1000).toFixed(1)}, total;dur=${total.toFixed(1)}`;
}
