import { createHash } from "node:crypto";

/** The five providers the simulator plays, each under its own path prefix. */
export const PROVIDERS = ["pageviews", "social", "search", "newsletter", "revenue"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** Typical answer times, as the issue measured them in production: the slowest sets W3's floor. */
export const DEFAULT_LATENCY_MS: Record<ProviderName, number> = {
  pageviews: 50,
  social: 80,
  search: 120,
  newsletter: 200,
  revenue: 300,
};

/** The key each provider checks unless the simulator is given others. */
export const DEFAULT_KEYS: Record<ProviderName, string> = {
  pageviews: "sim-pageviews-key",
  social: "sim-social-key",
  search: "sim-search-key",
  newsletter: "sim-newsletter-key",
  revenue: "sim-revenue-key",
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** A number in [0, 1) fixed by its parts: the same author and day always give the same figures. */
function unit(...parts: (string | number)[]): number {
  return createHash("sha256").update(parts.join("|")).digest().readUInt32BE(0) / 2 ** 32;
}

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += DAY_MS) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Sums a per-day figure over the range: each author has a steady level, each day a wobble. */
function total(provider: string, authorId: number, range: string[], scale: number) {
  const level = 0.5 + unit(provider, authorId);
  return range.reduce(
    (sum, day) => sum + Math.round(scale * level * (0.6 + 0.8 * unit(provider, authorId, day))),
    0,
  );
}

const CURRENCIES = ["EUR", "GBP", "USD"] as const;
/** Fixed rates to USD, as a provider quoting its own currency would send with the figures. */
const USD_PER: Record<(typeof CURRENCIES)[number], number> = { EUR: 1.08, GBP: 1.27, USD: 1 };

/** The JSON body each provider answers with, for one author over `from`..`to` (inclusive). */
export function answer(provider: ProviderName, authorId: number, from: string, to: string) {
  const range = days(from, to);
  const base = { authorId, from, to };
  switch (provider) {
    case "pageviews": {
      const daily = range.map((date) => ({
        date,
        views: total(provider, authorId, [date], 400),
      }));
      const views = daily.reduce((sum, d) => sum + d.views, 0);
      return { ...base, views, uniqueVisitors: Math.round(views * 0.62), daily };
    }
    case "social":
      return {
        ...base,
        likes: total("social-likes", authorId, range, 40),
        shares: total("social-shares", authorId, range, 8),
        comments: total("social-comments", authorId, range, 5),
      };
    case "search": {
      const impressions = total("search-impressions", authorId, range, 900);
      const clicks = Math.round(impressions * (0.02 + 0.04 * unit("ctr", authorId)));
      return { ...base, impressions, clicks };
    }
    case "newsletter": {
      const sent = total("newsletter-sent", authorId, range, 120);
      return { ...base, sent, opens: Math.round(sent * (0.25 + 0.3 * unit("open", authorId))) };
    }
    case "revenue": {
      const currency = CURRENCIES[Math.floor(unit("currency", authorId) * CURRENCIES.length)]!;
      return {
        ...base,
        currency,
        amountMinor: total("revenue", authorId, range, 2_500),
        usdPerUnit: USD_PER[currency],
      };
    }
  }
}
