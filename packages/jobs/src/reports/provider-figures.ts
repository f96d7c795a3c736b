import type { Figures, ProviderName, Providers } from "@brisk/providers";

/** Authors asked of one provider at once in a workspace or bulk report: within its bulkhead. */
const AUTHORS_AT_ONCE = 4;

/** A provider's figures for a report: summed over its authors, with each author's headline. */
export interface ProviderFigures<P extends ProviderName = ProviderName> {
  figures: Figures[P];
  /** The one number per author a bulk report's sections show, by author id. */
  headlines: Record<string, number>;
}

/** The number a provider is summed up by in a table: views, interactions, clicks, opens, USD. */
export function headline<P extends ProviderName>(provider: P, figures: Figures[P]): number {
  const f = figures as Figures[ProviderName];
  switch (provider) {
    case "pageviews":
      return (f as Figures["pageviews"]).views;
    case "social": {
      const s = f as Figures["social"];
      return s.likes + s.shares + s.comments;
    }
    case "search":
      return (f as Figures["search"]).clicks;
    case "newsletter":
      return (f as Figures["newsletter"]).opens;
    default:
      return (f as Figures["revenue"]).amountUsd;
  }
}

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** Several authors' figures from one provider as one: sums, with rates computed again. */
function combine<P extends ProviderName>(provider: P, all: Figures[P][]): Figures[P] {
  const sum = (pick: (f: Figures[P]) => number) => all.reduce((total, f) => total + pick(f), 0);
  const field = (name: string) => sum((f) => (f as Record<string, number>)[name] ?? 0);
  switch (provider) {
    case "pageviews": {
      const daily = new Map<string, number>();
      for (const f of all as Figures["pageviews"][]) {
        for (const day of f.daily) daily.set(day.date, (daily.get(day.date) ?? 0) + day.views);
      }
      return {
        views: field("views"),
        uniqueVisitors: field("uniqueVisitors"),
        daily: [...daily].sort().map(([date, views]) => ({ date, views })),
      } as Figures[P];
    }
    case "social":
      return {
        likes: field("likes"),
        shares: field("shares"),
        comments: field("comments"),
      } as Figures[P];
    case "search":
      return {
        impressions: field("impressions"),
        clicks: field("clicks"),
        clickThroughRate: ratio(field("clicks"), field("impressions")),
      } as Figures[P];
    case "newsletter":
      return {
        sent: field("sent"),
        opens: field("opens"),
        openRate: ratio(field("opens"), field("sent")),
      } as Figures[P];
    default: {
      const currencies = new Set((all as Figures["revenue"][]).map((f) => f.currency));
      const one = currencies.size === 1;
      return {
        // Amounts in several currencies do not add up; their USD values do.
        currency: one ? [...currencies][0]! : "USD",
        amount: one ? field("amount") : field("amountUsd"),
        amountUsd: Math.round(field("amountUsd") * 100) / 100,
      } as Figures[P];
    }
  }
}

/**
 * One provider's figures for every author of a report, a few authors at a time. Throws when
 * any author's call fails: the step is retried as a whole, and a report either has the
 * provider's figures or says it lost them.
 */
export async function providerFigures<P extends ProviderName>(
  providers: Providers,
  provider: P,
  authorIds: number[],
  range: { from: string; to: string },
): Promise<ProviderFigures<P>> {
  const answers: Figures[P][] = new Array(authorIds.length);
  let next = 0;
  const lane = async () => {
    while (next < authorIds.length) {
      const at = next++;
      const answer = await providers.fetch(provider, { authorId: authorIds[at]!, ...range });
      answers[at] = answer.figures;
    }
  };
  await Promise.all(Array.from({ length: Math.min(AUTHORS_AT_ONCE, authorIds.length) }, lane));
  return {
    figures: combine(provider, answers),
    headlines: Object.fromEntries(
      authorIds.map((id, i) => [String(id), headline(provider, answers[i]!)]),
    ),
  };
}
