import { z } from "zod";

/**
 * What the control endpoint may set on a provider. Each kind applies to a share of requests
 * (`rate`, 1 by default) and, with `times`, only to that many before it lifts by itself, so a
 * test can say "fail twice, then answer".
 */
export const faultSchema = z.object({
  kind: z.enum(["error", "timeout", "slow", "malformed", "reset", "rate-limit"]),
  rate: z.number().min(0).max(1).default(1),
  times: z.number().int().min(1).max(1_000_000).optional(),
  /** `slow`: added to the latency. */
  delayMs: z.number().int().min(0).max(120_000).default(5_000),
  /** `error`: the HTTP status answered. */
  status: z.number().int().min(500).max(599).default(503),
  /** `rate-limit`: the Retry-After header, in seconds. */
  retryAfterS: z.number().int().min(0).max(3_600).default(1),
});

export type Fault = z.infer<typeof faultSchema>;

export const controlSchema = z.object({
  provider: z.enum(["pageviews", "social", "search", "newsletter", "revenue"]),
  fault: faultSchema.nullable(),
});
