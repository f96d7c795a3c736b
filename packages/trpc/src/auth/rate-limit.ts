import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/** How many of something one key may do in a window. */
export interface RateRule {
  name: string;
  limit: number;
  windowS: number;
}

/** The limits of the product; `RATE_LIMIT_MULTIPLIER` scales them all (the bench raises them). */
export const RATE_RULES = {
  /** Failed sign-ins per account: a password guessed slowly at best. */
  signInFailures: { name: "sign-in-failures", limit: 5, windowS: 15 * 60 },
  /** Sign-in attempts per client address. */
  signIn: { name: "sign-in", limit: 30, windowS: 60 },
  /** Accounts made per client address. */
  signUp: { name: "sign-up", limit: 10, windowS: 60 * 60 },
  /** Invitations accepted (or tried) per client address: each costs a hash, like sign-up. */
  acceptInvitation: { name: "accept-invitation", limit: 20, windowS: 60 * 60 },
  /** API keys made per admin. */
  apiKeyCreate: { name: "api-key-create", limit: 20, windowS: 60 * 60 },
} satisfies Record<string, RateRule>;

export interface RateVerdict {
  allowed: boolean;
  /** When refused: seconds until it would be allowed. */
  retryAfterS: number;
}

interface Window {
  /** Counts one against the key. */
  take(key: string): Promise<RateVerdict>;
  /** Whether one more would be allowed, without counting it. */
  peek(key: string): Promise<RateVerdict>;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** In process: rate-limiter-flexible's memory limiter (one instance, or Redis down). */
function memoryWindow(rule: RateRule): Window {
  const limiter = new RateLimiterMemory({ points: rule.limit, duration: rule.windowS });
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        return { allowed: true, retryAfterS: 0 };
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        return { allowed: false, retryAfterS: seconds(refusal.msBeforeNext) };
      }
    },
    async peek(key) {
      const state = await limiter.get(key);
      if (!state || state.consumedPoints < rule.limit) return { allowed: true, retryAfterS: 0 };
      return { allowed: false, retryAfterS: seconds(state.msBeforeNext) };
    },
  };
}

/**
 * Shared by every instance: @upstash/ratelimit's sliding window over the cache's Redis. When
 * Redis does not answer in time, the in-process window decides instead: a limit is never the
 * reason a sign-in fails.
 */
function redisWindow(rule: RateRule, redis: Redis, prefix: string): Window {
  const limiter = new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(rule.limit, `${rule.windowS} s`),
    prefix: `${prefix}rl:${rule.name}`,
    ephemeralCache: new Map(),
    timeout: 200,
    analytics: false,
  });
  const fallback = memoryWindow(rule);
  return {
    async take(key) {
      try {
        const result = await limiter.limit(key);
        if (result.reason === "timeout") return fallback.take(key);
        return { allowed: result.success, retryAfterS: seconds(result.reset - Date.now()) };
      } catch {
        return fallback.take(key);
      }
    },
    async peek(key) {
      try {
        const { remaining, reset } = await limiter.getRemaining(key);
        return { allowed: remaining > 0, retryAfterS: seconds(reset - Date.now()) };
      } catch {
        return fallback.peek(key);
      }
    },
  };
}

export function createRateLimiter(options: {
  redis?: { url: string; token: string } | undefined;
  prefix: string;
  multiplier: number;
}) {
  const redis =
    options.redis && new Redis({ ...options.redis, enableTelemetry: false, retry: { retries: 0 } });
  const windows = new Map<string, Window>();
  const windowOf = (rule: RateRule) => {
    let window = windows.get(rule.name);
    if (!window) {
      const scaled = { ...rule, limit: Math.max(1, Math.round(rule.limit * options.multiplier)) };
      window = redis ? redisWindow(scaled, redis, options.prefix) : memoryWindow(scaled);
      windows.set(rule.name, window);
    }
    return window;
  };
  return {
    take: (rule: RateRule, key: string) => windowOf(rule).take(key),
    peek: (rule: RateRule, key: string) => windowOf(rule).peek(key),
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
