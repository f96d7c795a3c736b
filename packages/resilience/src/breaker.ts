import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
} from "cockatiel";

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before letting one probe through. */
  cooldownMs: number;
}

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half-open",
  [CircuitState.Isolated]: "open",
};

/**
 * A circuit breaker (cockatiel's): after a run of failures it stops calling the dependency
 * for a while, so a dead or slow one costs callers nothing instead of a timeout each. After
 * the cooldown one probe goes through; its outcome closes or reopens the circuit.
 *
 * While the probe is out, other calls are refused at once. Cockatiel would queue them behind
 * the probe, which makes every caller of a dead dependency wait for its timeout again.
 */
export function createBreaker(options: BreakerOptions) {
  const policy = circuitBreaker(handleAll, {
    halfOpenAfter: options.cooldownMs,
    breaker: new ConsecutiveBreaker(options.failureThreshold),
  });
  return {
    get state(): BreakerState {
      return STATES[policy.state];
    },
    /** Runs `call`, or rejects with a refusal (see `isRefusal`) when the circuit is open. */
    execute<T>(call: () => Promise<T>): Promise<T> {
      if (policy.state === CircuitState.HalfOpen) return Promise.reject(new BrokenCircuitError());
      return policy.execute(call);
    },
  };
}

export type Breaker = ReturnType<typeof createBreaker>;

/** The breaker refused the call: it was never made. */
export function isRefusal(error: unknown): boolean {
  return error instanceof BrokenCircuitError;
}
