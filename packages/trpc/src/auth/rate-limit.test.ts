import { startTestRedis, type TestRedis } from "@brisk/upstash-bridge/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRateLimiter, RATE_RULES } from "./rate-limit";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const onRedis = (prefix: string, multiplier = 1) =>
  createRateLimiter({ redis: { url: redis.restUrl, token: redis.token }, prefix, multiplier });
const inMemory = (multiplier = 1) => createRateLimiter({ prefix: "memory:", multiplier });

let keys = 0;
/** A key no other test counted against. */
const freshKey = () => `key-${++keys}`;

describe.each([
  ["shared through Redis", (multiplier = 1) => onRedis(`limits-${multiplier}:`, multiplier)],
  ["in process, without Redis", (multiplier = 1) => inMemory(multiplier)],
])("createRateLimiter, %s", (_, make) => {
  it.each(Object.values(RATE_RULES))(
    "allows $limit of $name per window, then refuses",
    async (rule) => {
      const limiter = make();
      const key = freshKey();
      for (let i = 0; i < rule.limit; i++) {
        expect((await limiter.take(rule, key)).allowed).toBe(true);
      }
      const refused = await limiter.take(rule, key);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterS).toBeGreaterThan(0);
      expect(refused.retryAfterS).toBeLessThanOrEqual(rule.windowS);
      expect((await limiter.peek(rule, key)).allowed).toBe(false);
      // Each key and each rule counts on its own.
      expect((await limiter.take(rule, freshKey())).allowed).toBe(true);
      const other = rule === RATE_RULES.signIn ? RATE_RULES.signUp : RATE_RULES.signIn;
      expect((await limiter.take(other, key)).allowed).toBe(true);
    },
  );

  it("peek does not count", async () => {
    const limiter = make();
    const key = freshKey();
    const rule = RATE_RULES.signInFailures;
    for (let i = 0; i < rule.limit * 2; i++)
      expect((await limiter.peek(rule, key)).allowed).toBe(true);
    for (let i = 0; i < rule.limit; i++) expect((await limiter.take(rule, key)).allowed).toBe(true);
    expect((await limiter.peek(rule, key)).allowed).toBe(false);
  });

  it("scales every limit by the multiplier, never below one", async () => {
    const rule = RATE_RULES.signInFailures;
    const key = freshKey();
    const doubled = make(2);
    for (let i = 0; i < rule.limit * 2; i++)
      expect((await doubled.take(rule, key)).allowed).toBe(true);
    expect((await doubled.take(rule, key)).allowed).toBe(false);
    const tiny = make(0.01);
    const alone = freshKey();
    expect((await tiny.take(rule, alone)).allowed).toBe(true);
    expect((await tiny.take(rule, alone)).allowed).toBe(false);
  });
});

describe("createRateLimiter on Redis", () => {
  it("shares counts between instances", async () => {
    const one = onRedis("shared:");
    const other = onRedis("shared:");
    const rule = RATE_RULES.signInFailures;
    const key = freshKey();
    for (let i = 0; i < rule.limit; i++) {
      expect((await (i % 2 ? one : other).take(rule, key)).allowed).toBe(true);
    }
    for (const limiter of [one, other]) {
      expect((await limiter.peek(rule, key)).allowed).toBe(false);
      expect((await limiter.take(rule, key)).allowed).toBe(false);
    }
    // Another prefix (another deployment on the same Redis) counts apart.
    expect((await onRedis("elsewhere:").take(rule, key)).allowed).toBe(true);
  });

  it("falls back to the in-process limit while Redis is down", async () => {
    const limiter = onRedis("outage:");
    const rule = RATE_RULES.signInFailures;
    const key = freshKey();
    await redis.stopRedis();
    try {
      for (let i = 0; i < rule.limit; i++)
        expect((await limiter.take(rule, key)).allowed).toBe(true);
      expect((await limiter.take(rule, key)).allowed).toBe(false);
      expect((await limiter.peek(rule, key)).allowed).toBe(false);
    } finally {
      await redis.startRedis();
    }
  });
});
