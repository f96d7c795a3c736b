import type { Figures, ProviderName } from "@brisk/providers";
import type { OurNumbers } from "./aggregate";

export const PROVIDER_LABELS: Record<ProviderName, string> = {
  pageviews: "Page views",
  social: "Social engagement",
  search: "Search clicks",
  newsletter: "Newsletter opens",
  revenue: "Revenue",
};

export type ProviderOutcome<P extends ProviderName = ProviderName> =
  | { status: "ok"; figures: Figures[P]; error: null }
  | { status: "lost"; figures: null; error: string };

/**
 * What a finished report holds (`reports.result`): what the PDF shows and the page previews.
 * A provider that failed on every attempt is `lost`, named in `lost`, and the report completes
 * without it.
 */
export interface ReportResult {
  title: string;
  scope: "author" | "workspace" | "bulk";
  from: string;
  to: string;
  ours: OurNumbers;
  /** Each author's own numbers and provider headlines (workspace and bulk reports). */
  authors: {
    id: number;
    name: string;
    numbers: OurNumbers;
    providers: Partial<Record<ProviderName, number>>;
  }[];
  providers: { [P in ProviderName]: ProviderOutcome<P> };
  lost: ProviderName[];
}

const counts = new Intl.NumberFormat("en-US");
const money = new Intl.NumberFormat("en-US", {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });

export const formatCount = (n: number) => counts.format(n);
export const formatMoney = (n: number) => money.format(n);

/** A provider's figures as a line of text: what the PDF prints and the page shows. */
export function describeFigures<P extends ProviderName>(provider: P, figures: Figures[P]): string {
  switch (provider) {
    case "pageviews": {
      const f = figures as Figures["pageviews"];
      return `${formatCount(f.views)} views, ${formatCount(f.uniqueVisitors)} unique visitors`;
    }
    case "social": {
      const f = figures as Figures["social"];
      return `${formatCount(f.likes)} likes, ${formatCount(f.shares)} shares, ${formatCount(f.comments)} comments`;
    }
    case "search": {
      const f = figures as Figures["search"];
      return `${formatCount(f.clicks)} clicks of ${formatCount(f.impressions)} impressions (${percent.format(f.clickThroughRate)})`;
    }
    case "newsletter": {
      const f = figures as Figures["newsletter"];
      return `${formatCount(f.opens)} opens of ${formatCount(f.sent)} sent (${percent.format(f.openRate)})`;
    }
    default: {
      const f = figures as Figures["revenue"];
      return `${formatMoney(f.amount)} ${f.currency} = ${formatMoney(f.amountUsd)} USD`;
    }
  }
}
