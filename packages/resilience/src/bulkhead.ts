import { BulkheadRejectedError, bulkhead } from "cockatiel";

/**
 * At most `limit` calls at once and `queue` more waiting (cockatiel's bulkhead): past that a
 * call is refused at once (see `isBulkheadFull`), so a burst costs callers a quick "busy"
 * instead of a wait that grows without bound.
 */
export function createBulkhead(limit: number, queue: number) {
  const policy = bulkhead(limit, queue);
  return {
    /** `signal`: a call still waiting when it aborts is dropped, never run (its caller left). */
    execute<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      return policy.execute(call, signal);
    },
    /** Calls running or waiting now. */
    get load() {
      return limit - policy.executionSlots + (queue - policy.queueSlots);
    },
    /** Whether a call made now would be refused. */
    get full() {
      return policy.executionSlots === 0 && policy.queueSlots === 0;
    },
  };
}

export type Bulkhead = ReturnType<typeof createBulkhead>;

export function isBulkheadFull(error: unknown): boolean {
  return error instanceof BulkheadRejectedError;
}
