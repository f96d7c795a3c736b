import { scaleLinear } from "@visx/scale";

/**
 * A value axis from 0 to a round top at or above `max` (about `count` steps), mapped onto
 * [bottom, top] pixels.
 */
export function valueScale(max: number, pixels: { top: number; bottom: number }, count = 3) {
  const scale = scaleLinear<number>({
    domain: [0, Number.isFinite(max) && max > 0 ? max : 1],
    range: [pixels.bottom, pixels.top],
    nice: count,
  });
  const ticks = scale.ticks(count);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  const top = scale.domain()[1]!;
  return {
    y: (v: number) => round(scale(v)),
    top,
    ticks,
    format: (v: number) => formatTick(v, step),
  };
}

/** A tick's number alone (the axis names the unit), with no more decimals than its step. */
export function formatTick(value: number, step: number): string {
  let decimals = 0;
  while (
    decimals < 4 &&
    Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-6
  ) {
    decimals++;
  }
  return Number(value.toFixed(decimals)).toLocaleString("en-GB", {
    maximumFractionDigits: decimals,
  });
}

/** Largest finite value, or 0. */
export function maxOf(values: Iterable<number | null | undefined>): number {
  let max = 0;
  for (const v of values) if (typeof v === "number" && Number.isFinite(v) && v > max) max = v;
  return max;
}

/** Wall-clock time in UTC: deterministic wherever it renders. Pages pass their own zone. */
export function formatUtcTime(at: number, stepMs: number): string {
  const iso = new Date(at).toISOString();
  return stepMs >= 60_000 ? iso.slice(11, 16) : iso.slice(11, 19);
}

/** Pixels to a tenth: enough for a screen or a page, and a shorter, stable SVG. */
export function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * Round ticks from 0 up to `max` (not beyond), about `count` of them: for axes drawn outside a
 * chart, such as the Ops trace waterfall.
 */
export function ticksUpTo(max: number, count: number): { ticks: number[]; step: number } {
  const scale = scaleLinear<number>({ domain: [0, Number.isFinite(max) && max > 0 ? max : 1] });
  const ticks = scale.ticks(count);
  return { ticks, step: ticks.length > 1 ? ticks[1]! - ticks[0]! : 1 };
}
