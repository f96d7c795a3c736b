/** Axis arithmetic for the Ops charts: round tick steps, and clock-aligned time ticks. */

/** The round step (1, 2, 2.5 or 5 times a power of ten) nearest above `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const nice =
    residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10;
  return nice * magnitude;
}

/** Ticks from 0 to a round top at or above `max`, about `count` steps. */
export function valueTicks(max: number, count = 4): { ticks: number[]; top: number; step: number } {
  const step = niceStep((max > 0 ? max : 1) / count);
  const steps = Math.max(1, Math.ceil((max > 0 ? max : 1) / step - 1e-9));
  const ticks = Array.from({ length: steps + 1 }, (_, i) => i * step);
  return { ticks, top: steps * step, step };
}

const TIME_STEPS_S = [5, 10, 15, 20, 30, 60, 120, 180, 300, 600];

/** Times (epoch ms) on round clock seconds between `from` and `to`, at most `maxTicks`. */
export function timeTicks(
  from: number,
  to: number,
  maxTicks: number,
): { ticks: number[]; stepMs: number } {
  const span = Math.max(1, to - from);
  const stepS =
    TIME_STEPS_S.find((s) => span / (s * 1000) <= Math.max(1, maxTicks)) ?? TIME_STEPS_S.at(-1)!;
  const stepMs = stepS * 1000;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / stepMs) * stepMs; t <= to; t += stepMs) ticks.push(t);
  // A window shorter than one step still gets both ends labelled.
  return ticks.length < 2
    ? { ticks: [from, to], stepMs: TIME_STEPS_S[0]! * 1000 }
    : { ticks, stepMs };
}
