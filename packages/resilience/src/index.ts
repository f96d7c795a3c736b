// Policies for calls to things that fail: Redis now, the external providers next. Built on
// cockatiel, so retries, bulkheads and the rest come from the same kept library.
export {
  type Breaker,
  type BreakerOptions,
  type BreakerState,
  createBreaker,
  isRefusal,
} from "./breaker";
export { type Bulkhead, createBulkhead, isBulkheadFull } from "./bulkhead";
export { isTimeout, withTimeout } from "./timeout";
