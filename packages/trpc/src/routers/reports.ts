import type { CacheEntry, Dated, RefreshOutcome } from "@brisk/cache";
import { datedSchema } from "@brisk/cache";
import { authorNumbers } from "@brisk/db/queries/reports";
import {
  type Figures,
  figuresSchema,
  PROVIDER_NAMES,
  ProviderCallError,
  type ProviderName,
  type StatsQuery,
} from "@brisk/providers";
import { type Span, SpanStatusCode, trace } from "@opentelemetry/api";
import type { TRPCRouterRecord } from "@trpc/server";
import { mayActFor } from "../auth/access";
import type { Context } from "../context";
import { signedInProcedure, TRPCError } from "../init";
import { type PartStatus, snapshotInput } from "../schemas/reports";

/**
 * Kept in the reference class (24 h), fresh for PROVIDERS_FRESH_MS (an hour): when a provider
 * fails, an answer up to a day old is served, marked stale with its age.
 */
const providerEntry = <P extends ProviderName>(
  provider: P,
  query: StatsQuery,
): CacheEntry<Dated<Figures[P]>> => ({
  key: `providers.${provider}:${query.authorId}:${query.from}:${query.to}`,
  scopes: [`providers.${provider}`],
  ttl: "reference",
  schema: datedSchema(figuresSchema(provider)),
});

/** What the margin before the call's own deadline leaves for writing the answer. */
const ANSWER_MARGIN_MS = 100;
/**
 * Each provider call ends by its own timeout; the report's deadline is a backstop past the
 * slowest of them (for a cache lookup that hangs), late enough that a provider's own timeout
 * reports first, with its attempts.
 */
const BACKSTOP_MS = 250;

export interface ProviderPart<P extends ProviderName = ProviderName> {
  status: PartStatus;
  figures: Figures[P] | null;
  /** The answer's age: 0 when just fetched; null when there is none. */
  ageMs: number | null;
  /** Time this part took, cache lookup included. */
  latencyMs: number;
  /** Requests made to the provider for this part (0: answered from the cache, or refused). */
  attempts: number;
  cache: RefreshOutcome | "off" | "none";
  /** Why there are no fresh figures, for a person to read. */
  error: string | null;
}

const tracer = () => trace.getTracer("brisk-api");

function failedPart(
  started: number,
  status: PartStatus,
  error: string,
  attempts = 0,
): ProviderPart {
  return {
    status,
    figures: null,
    ageMs: null,
    latencyMs: Math.round(performance.now() - started),
    attempts,
    cache: "none",
    error,
  };
}

function record(span: Span, provider: ProviderName, part: ProviderPart) {
  span.setAttributes({
    "provider.name": provider,
    "provider.status": part.status,
    "provider.attempts": part.attempts,
    "provider.cache": part.cache,
  });
  if (part.error) span.setStatus({ code: SpanStatusCode.ERROR, message: part.error });
}

/**
 * One provider's part: from the cache while fresh, else called; a failed call answered by an
 * older cached answer when there is one (stale), else failed or timed out. Never throws.
 */
async function providerPart(ctx: Context, provider: ProviderName, query: StatsQuery) {
  const access = ctx.providers;
  const started = performance.now();
  if (!access) return failedPart(started, "failed", "No providers are configured here.");
  return tracer().startActiveSpan(`provider ${provider}`, async (span) => {
    let attempts = 0;
    const load = async () => {
      try {
        const answer = await access.clients.fetch(provider, query);
        attempts = answer.attempts;
        return answer.figures;
      } catch (error) {
        if (error instanceof ProviderCallError) attempts = error.attempts;
        throw error;
      }
    };
    let part: ProviderPart;
    try {
      const answer = access.cached
        ? await ctx.cache.getOrRefresh(providerEntry(provider, query), load, access.freshMs)
        : { value: await load(), ageMs: 0, outcome: "off" as const };
      part = {
        status: answer.outcome === "stale" ? "stale" : "ok",
        figures: answer.value,
        ageMs: answer.ageMs,
        latencyMs: Math.round(performance.now() - started),
        attempts,
        cache: answer.outcome,
        error: answer.outcome === "stale" ? "The provider failed; an older answer is shown." : null,
      };
      access.observer?.answered(provider, answer.outcome === "off" ? "loaded" : answer.outcome);
    } catch (error) {
      const timedOut = error instanceof ProviderCallError && error.outcome === "timed-out";
      part = failedPart(
        started,
        timedOut ? "timed-out" : "failed",
        error instanceof ProviderCallError ? error.message : "The provider could not be reached.",
        attempts,
      );
      access.observer?.answered(provider, "failed");
    }
    record(span, provider, part);
    span.end();
    return part;
  });
}

export const reportsRouter = {
  /**
   * W3: an author's numbers from our database and the five providers', fetched in parallel.
   * Each provider's part says how it came (ok, stale, failed, timed out); the call answers
   * within the slowest provider's timeout (or the call's own deadline, if sooner) whatever
   * the providers do. Members see their own; admins anyone's.
   */
  snapshot: signedInProcedure
    .meta({ budget: "providers" })
    .input(snapshotInput)
    .query(async ({ ctx, input }) => {
      if (!mayActFor(ctx.actor, input.authorId)) {
        throw new TRPCError({ code: "FORBIDDEN", message: "You can see only your own numbers." });
      }
      // Before any provider is called: a missing author costs them nothing.
      const ours = await authorNumbers(ctx.db, input.authorId, input);
      if (!ours) {
        throw new TRPCError({ code: "NOT_FOUND", message: `No author with id ${input.authorId}` });
      }
      const slowest = Math.max(
        ...PROVIDER_NAMES.map((name) => ctx.providers?.clients.timeoutMs(name) ?? 0),
      );
      const budget = Math.min(slowest + BACKSTOP_MS, ctx.deadline.remainingMs() - ANSWER_MARGIN_MS);
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<"deadline">((resolve) => {
        timer = setTimeout(() => resolve("deadline"), Math.max(0, budget));
      });
      try {
        const parts = await Promise.all(
          PROVIDER_NAMES.map(async (provider) => {
            const part = await Promise.race([providerPart(ctx, provider, input), deadline]);
            const settled =
              part === "deadline"
                ? failedPart(started, "timed-out", "No answer within the report's deadline.")
                : part;
            return [provider, settled] as const;
          }),
        );
        return {
          authorId: input.authorId,
          from: input.from,
          to: input.to,
          ours,
          providers: Object.fromEntries(parts) as { [P in ProviderName]: ProviderPart<P> },
        };
      } finally {
        clearTimeout(timer);
      }
    }),
} satisfies TRPCRouterRecord;
