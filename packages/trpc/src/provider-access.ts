import type { RefreshOutcome } from "@brisk/cache";
import type { Providers, ProvidersSettings } from "@brisk/providers";

/** The runtime's provider settings: where they are, and whether their answers are cached. */
export type ProvidersConfig = ProvidersSettings & {
  /** False only to measure the uncached path (W3 cold). */
  cache: boolean;
  /** How long a cached answer is fresh; past that the provider is called again. */
  freshMs: number;
};

/** What procedures reach of the providers: the clients, the cache switch, the metrics. */
export interface ProviderAccess {
  clients: Providers;
  cached: boolean;
  freshMs: number;
  /** What a call waiting on every provider may take: the slowest timeout and room to answer. */
  budgetMs: number;
  observer?:
    | {
        /** `ageMs`: the served answer's age (a stale one's feeds the stale-age histogram). */
        answered(provider: string, source: RefreshOutcome | "failed", ageMs?: number | null): void;
      }
    | undefined;
}
