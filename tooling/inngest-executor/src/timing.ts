/** Inngest's retry schedule (pkg/backoff TableBackoff): a table by attempt plus 0–30 s of jitter. */
const BACKOFF_TABLE_SECONDS = [15, 30, 60, 120, 300, 600, 1200, 2400, 3600, 7200];

export type Backoff = (attempt: number) => number;

export const inngestBackoff: Backoff = (attempt) => {
  const index = Math.min(Math.max(attempt, 0), BACKOFF_TABLE_SECONDS.length - 1);
  return (BACKOFF_TABLE_SECONDS[index] as number) * 1000 + Math.floor(Math.random() * 30_000);
};

const UNIT_MS: Record<string, number> = {
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
};

/**
 * When a duration the SDK sends ends: its `timeStr` form ("1d2h30s", never below 1 s) or an
 * ISO date (`sleepUntil`). Null when it is neither.
 */
export function resolveTime(value: string, now: number): number | null {
  if (/^(\d+[wdhms])+$/.test(value)) {
    let total = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+)([wdhms])/g)) {
      total += Number(amount) * (UNIT_MS[unit as string] as number);
    }
    return now + total;
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at;
}

/** A `retry-after` header: seconds, or an HTTP/ISO date. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
