// The external providers a report reads: five typed clients over one resilient HTTP layer.
export {
  createProviders,
  type Figures,
  figuresSchema,
  PROVIDER_NAMES,
  type ProviderName,
  type Providers,
  type ProvidersSettings,
  type StatsQuery,
} from "./clients";
export { MalformedAnswerError, ProviderStatusError } from "./errors";
export { ProviderCallError } from "./http";
export type { CallOutcome, ProviderObserver } from "./observer";
