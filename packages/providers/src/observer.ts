/**
 * How one provider call ended. `refused`: the breaker was open or the bulkhead full, so no
 * request left this process.
 */
export type CallOutcome = "ok" | "failed" | "timed-out" | "refused";

/** What the HTTP layer reports as it works; the runtime's metrics implement it. */
export interface ProviderObserver {
  called(provider: string, outcome: CallOutcome, seconds: number): void;
  retried(provider: string): void;
}
