import { isBulkheadFull } from "@brisk/resilience";
import { TRPCError } from "@trpc/server";
import type { Context } from "../context";
import type { Deadline } from "../deadline";
import { RETRY_AFTER_S } from "../unavailable";
import type { RateRule } from "./rate-limit";

function minutes(seconds: number) {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/** 429 with Retry-After, counted by rule. */
export function tooMany(ctx: Context, rule: RateRule, retryAfterS: number, what: string) {
  ctx.auth.observer?.limited(rule.name);
  ctx.request.setHeader("retry-after", String(retryAfterS));
  return new TRPCError({
    code: "TOO_MANY_REQUESTS",
    message: `${what}. Try again in ${minutes(retryAfterS)}.`,
  });
}

/** Counts one against `key` under `rule`; refuses with 429 past the limit. */
export async function takeOrRefuse(ctx: Context, rule: RateRule, key: string, what: string) {
  const verdict = await ctx.auth.limiter.take(rule, key);
  if (!verdict.allowed) throw tooMany(ctx, rule, verdict.retryAfterS, what);
}

function busy(ctx: Context, onBusy: (() => void) | undefined, cause?: unknown) {
  onBusy?.();
  ctx.request.setHeader("retry-after", String(RETRY_AFTER_S));
  return new TRPCError({
    code: "SERVICE_UNAVAILABLE",
    message:
      "Too many passwords being checked at once; nothing was changed. Retry in a few seconds.",
    cause,
  });
}

/** Refuses at once when hashing is full: a storm is told 503 before it costs a lookup. */
export function refuseWhenBusy(ctx: Context, onBusy?: () => void) {
  if (ctx.auth.hasher.full) throw busy(ctx, onBusy);
}

/**
 * Runs password hashing under the call's deadline: when its queue is full the request is told
 * 503 and when to retry, rather than waiting behind a burst; a hash still queued when the
 * deadline passes is dropped (the client has had its 503 already).
 */
export async function hashing<T>(
  ctx: Context & { deadline: Deadline },
  work: (signal: AbortSignal) => Promise<T>,
  onBusy?: () => void,
) {
  const signal = AbortSignal.timeout(Math.max(0, ctx.deadline.remainingMs()));
  try {
    return await work(signal);
  } catch (error) {
    if (!isBulkheadFull(error) && !signal.aborted) throw error;
    throw busy(ctx, onBusy, error);
  }
}
