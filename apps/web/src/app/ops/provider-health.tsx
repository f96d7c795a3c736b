import { clsx } from "clsx";
import ui from "@/components/ui.module.css";
import { formatMs, formatPercent } from "@/features/ops/format";
import type { ProviderHealth } from "@/features/ops/queries";
import styles from "./provider-health.module.css";

const breakerBadge = {
  closed: ui.badgePublished,
  "half-open": ui.badgeDraft,
  open: ui.badgeError,
} as const;

/** Each external provider over the charts' window: is it answering, how fast, from where. */
export function ProviderHealthPanel({ providers }: { providers: ProviderHealth[] }) {
  return (
    <section className={clsx(ui.card, styles.providers)} aria-labelledby="provider-health-title">
      <header>
        <h2 id="provider-health-title" className={styles.providersTitle}>
          Provider health
        </h2>
        <p className={clsx(ui.muted, ui.small)}>
          External providers over the charts' window: breaker now, calls that failed, timed out or
          were refused, p95 of a call with its retries, answers from a fresh cache, and stale
          answers served while a provider failed.
        </p>
      </header>
      {providers.length === 0 ? (
        <p className={clsx(ui.muted, ui.small)} data-testid="providers-empty">
          No provider has been called yet.
        </p>
      ) : (
        <table className={styles.providersTable}>
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Breaker</th>
              <th scope="col" className={styles.numeric}>
                Calls
              </th>
              <th scope="col" className={styles.numeric}>
                Errors
              </th>
              <th scope="col" className={styles.numeric}>
                p95
              </th>
              <th scope="col" className={styles.numeric}>
                Retries
              </th>
              <th scope="col" className={styles.numeric}>
                Cache hits
              </th>
              <th scope="col" className={styles.numeric}>
                Stale answers
              </th>
            </tr>
          </thead>
          <tbody>
            {providers.map((p) => (
              <tr key={p.provider} data-testid="provider-row">
                <th scope="row">{p.provider}</th>
                <td>
                  {p.breaker ? (
                    <span className={clsx(ui.badge, breakerBadge[p.breaker])}>{p.breaker}</span>
                  ) : (
                    "–"
                  )}
                </td>
                <td className={styles.numeric}>{p.calls}</td>
                <td className={clsx(styles.numeric, (p.errorRatio ?? 0) > 0 && styles.bad)}>
                  {p.errorRatio === null ? "–" : formatPercent(p.errorRatio)}
                </td>
                <td className={styles.numeric}>{p.p95Ms === null ? "–" : formatMs(p.p95Ms)}</td>
                <td className={styles.numeric}>{p.retries}</td>
                <td className={styles.numeric}>
                  {p.cacheHitRatio === null ? "–" : formatPercent(p.cacheHitRatio)}
                </td>
                <td className={clsx(styles.numeric, p.staleAnswers > 0 && styles.bad)}>
                  {p.staleAnswers}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
