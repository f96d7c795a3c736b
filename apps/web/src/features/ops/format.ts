/** Numbers as the Ops page prints them: short, with their unit, never a false precision. */

export function formatMs(ms: number): string {
  if (ms >= 1_000) return `${trim(ms / 1_000, ms >= 10_000 ? 0 : 2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${trim(ms, 1)} ms`;
  return `${trim(ms, 2)} ms`;
}

export function formatRate(perSecond: number, unit = "req/s"): string {
  return `${trim(perSecond, perSecond >= 100 ? 0 : perSecond >= 10 ? 1 : 2)} ${unit}`;
}

/** A ratio (0..1) as a percentage. */
export function formatPercent(ratio: number): string {
  const percent = ratio * 100;
  return `${trim(percent, percent === 0 || percent >= 10 ? 0 : percent >= 1 ? 1 : 2)} %`;
}

export function formatMb(mb: number): string {
  return `${trim(mb, mb >= 100 ? 0 : 1)} MB`;
}

const clock = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/** Wall-clock time in the reader's time zone, to the second. */
export function formatClock(at: Date | number | string): string {
  const date = at instanceof Date ? at : new Date(at);
  return Number.isNaN(date.getTime()) ? "" : clock.format(date);
}

function trim(value: number, decimals: number): string {
  return Number(value.toFixed(decimals)).toLocaleString("en-GB", {
    maximumFractionDigits: decimals,
  });
}
