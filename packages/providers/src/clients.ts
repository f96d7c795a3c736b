import { z } from "zod";
import { createProviderHttp, type ProviderHttpSettings } from "./http";
import type { ProviderObserver } from "./observer";

export const PROVIDER_NAMES = ["pageviews", "social", "search", "newsletter", "revenue"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** An author's numbers over a range of days (inclusive, YYYY-MM-DD). */
export interface StatsQuery {
  authorId: number;
  from: string;
  to: string;
}

const count = z.number().int().min(0);
const echo = { authorId: z.number().int(), from: z.string(), to: z.string() };

/**
 * Each provider's answer as it arrives (validated: anything else is that provider's failure)
 * and as the rest of Brisk sees it (`figures`): counts and rates, revenue in USD.
 */
const wire = {
  pageviews: z.object({
    ...echo,
    views: count,
    uniqueVisitors: count,
    daily: z.array(z.object({ date: z.string(), views: count })).max(366),
  }),
  social: z.object({ ...echo, likes: count, shares: count, comments: count }),
  search: z.object({ ...echo, impressions: count, clicks: count }),
  newsletter: z.object({ ...echo, sent: count, opens: count }),
  revenue: z.object({
    ...echo,
    currency: z.string().regex(/^[A-Z]{3}$/),
    amountMinor: count,
    usdPerUnit: z.number().positive().max(10_000),
  }),
};

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

const figuresSchemas = {
  pageviews: z.object({
    views: count,
    uniqueVisitors: count,
    daily: z.array(z.object({ date: z.string(), views: count })).max(366),
  }),
  social: z.object({ likes: count, shares: count, comments: count }),
  search: z.object({ impressions: count, clicks: count, clickThroughRate: z.number() }),
  newsletter: z.object({ sent: count, opens: count, openRate: z.number() }),
  revenue: z.object({ currency: z.string(), amount: z.number(), amountUsd: z.number() }),
};

export type Figures = { [P in ProviderName]: z.infer<(typeof figuresSchemas)[P]> };

/** The schema of one provider's figures: what a cached copy is checked against. */
export function figuresSchema<P extends ProviderName>(provider: P): z.ZodType<Figures[P]> {
  return figuresSchemas[provider] as unknown as z.ZodType<Figures[P]>;
}

const toFigures: { [P in ProviderName]: (raw: z.infer<(typeof wire)[P]>) => Figures[P] } = {
  pageviews: ({ views, uniqueVisitors, daily }) => ({ views, uniqueVisitors, daily }),
  social: ({ likes, shares, comments }) => ({ likes, shares, comments }),
  search: ({ impressions, clicks }) => ({
    impressions,
    clicks,
    clickThroughRate: ratio(clicks, impressions),
  }),
  newsletter: ({ sent, opens }) => ({ sent, opens, openRate: ratio(opens, sent) }),
  // Minor units to the currency's, then to USD at the rate the provider quoted with them.
  revenue: ({ currency, amountMinor, usdPerUnit }) => ({
    currency,
    amount: amountMinor / 100,
    amountUsd: Math.round(amountMinor * usdPerUnit) / 100,
  }),
};

export interface ProvidersSettings {
  /** Where each provider is, its key and its call's whole budget. */
  providers: Record<ProviderName, { baseUrl: string; apiKey: string; timeoutMs: number }>;
  concurrency: number;
  breaker: ProviderHttpSettings["breaker"];
  retry: ProviderHttpSettings["retry"];
}

/** The five typed clients, one resilient HTTP layer each. Build once per process. */
export function createProviders(settings: ProvidersSettings, observer?: ProviderObserver) {
  const clients = Object.fromEntries(
    PROVIDER_NAMES.map((name) => {
      const http = createProviderHttp(
        {
          name,
          ...settings.providers[name],
          concurrency: settings.concurrency,
          breaker: settings.breaker,
          retry: settings.retry,
        },
        observer,
      );
      return [name, http];
    }),
  ) as Record<ProviderName, ReturnType<typeof createProviderHttp>>;

  return {
    /** One provider's figures for an author and range, with the attempts the call took. */
    async fetch<P extends ProviderName>(provider: P, query: StatsQuery) {
      const params = new URLSearchParams({ from: query.from, to: query.to });
      const path = `/v1/authors/${query.authorId}/stats?${params}`;
      const { value, attempts } = await clients[provider].get(
        path,
        wire[provider] as z.ZodType<unknown>,
      );
      return { figures: toFigures[provider](value as never) as Figures[P], attempts };
    },
    timeoutMs(provider: ProviderName) {
      return clients[provider].timeoutMs;
    },
    /** Each provider's breaker now: `open` means calls are refused without a request. */
    breakerStates() {
      return Object.fromEntries(
        PROVIDER_NAMES.map((name) => [name, clients[name].breakerState]),
      ) as Record<ProviderName, "closed" | "open" | "half-open">;
    },
    async close() {
      await Promise.all(PROVIDER_NAMES.map((name) => clients[name].close()));
    },
  };
}

export type Providers = ReturnType<typeof createProviders>;
