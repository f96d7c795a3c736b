export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before letting one probe through. */
  cooldownMs: number;
  now: () => number;
}

/**
 * A circuit breaker: after a run of failures it stops calling the dependency for a while, so
 * a dead or slow Redis costs requests nothing instead of a timeout each. After the cooldown
 * one probe goes through; its outcome closes or reopens the circuit.
 */
export function createBreaker(options: BreakerOptions) {
  let state: BreakerState = "closed";
  let failures = 0;
  let openedAt = 0;
  let probing = false;

  return {
    get state(): BreakerState {
      return state;
    },
    /** Whether a call may go out now. In half-open only one does, until it settles. */
    allow(): boolean {
      if (state === "closed") return true;
      if (state === "open" && options.now() - openedAt >= options.cooldownMs) {
        state = "half-open";
      }
      if (state === "half-open" && !probing) {
        probing = true;
        return true;
      }
      return false;
    },
    success() {
      failures = 0;
      probing = false;
      state = "closed";
    },
    failure() {
      probing = false;
      failures += 1;
      if (state === "half-open" || failures >= options.failureThreshold) {
        state = "open";
        openedAt = options.now();
      }
    },
  };
}

export type Breaker = ReturnType<typeof createBreaker>;
