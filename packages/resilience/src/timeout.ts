import { TaskCancelledError, TimeoutStrategy, timeout } from "cockatiel";

/**
 * `work`, or a rejection once `ms` have passed, whether or not the work heeds the signal it is
 * given (it should: the signal aborts at the same moment, so the work stops too).
 */
export function withTimeout<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return timeout(ms, TimeoutStrategy.Aggressive).execute(({ signal }) => work(signal));
}

/** The rejection of a `withTimeout` whose time ran out. */
export function isTimeout(error: unknown): boolean {
  return error instanceof TaskCancelledError;
}
