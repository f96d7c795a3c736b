import { type LineSeries, palette } from "@brisk/charts";
import type { OpsPoint } from "./queries";

/** One line of a chart, keyed for React and with its colour fixed (the legend shows it too). */
export interface Series extends LineSeries {
  key: string;
  colour: string;
  values: (number | null)[];
}

export const colours = {
  total: "#141821",
  p50: "#0e9f6e",
  p95: "#d97706",
  p99: "#9333ea",
  busy: "#2f5bea",
  idle: "#0e9f6e",
  waiting: "#d97706",
  max: "#5d6675",
  lag: "#9333ea",
  utilisation: "#0891b2",
  rss: "#2f5bea",
  hits: "#0e9f6e",
  memoryHits: "#2f5bea",
  reads: "#5d6675",
} as const;

export function pointTimes(points: OpsPoint[]): number[] {
  return points.map((point) => new Date(point.at).getTime());
}

/** Every procedure seen in the window, busiest first (by calls over the whole window). */
export function proceduresByTraffic(points: OpsPoint[]): string[] {
  const calls = new Map<string, number>();
  for (const point of points) {
    for (const p of point.procedures) {
      calls.set(p.procedure, (calls.get(p.procedure) ?? 0) + p.rps);
    }
  }
  return [...calls].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
}

/** The same procedure keeps its colour on every chart. */
export function procedureColour(ranked: string[], procedure: string): string {
  const rank = ranked.indexOf(procedure);
  return palette[rank % palette.length] ?? colours.total;
}

export const maxProcedureLines = palette.length;

function statsOf(point: OpsPoint, procedure: string) {
  return point.procedures.find((p) => p.procedure === procedure);
}

export function latencySeries(points: OpsPoint[], procedure: string): Series[] {
  return (["p50", "p95", "p99"] as const).map((q) => ({
    key: q,
    name: q,
    colour: colours[q],
    // A procedure with no calls in an interval has no percentiles: a gap, not a zero.
    values: points.map((point) => statsOf(point, procedure)?.[`${q}Ms`] ?? null),
  }));
}

export function throughputSeries(points: OpsPoint[], ranked: string[]): Series[] {
  const lines: Series[] = ranked.slice(0, maxProcedureLines).map((procedure) => ({
    key: procedure,
    name: procedure,
    colour: procedureColour(ranked, procedure),
    values: points.map((point) => statsOf(point, procedure)?.rps ?? 0),
  }));
  lines.push({
    key: "total",
    name: "Total",
    colour: colours.total,
    strong: true,
    values: points.map(totalRps),
  });
  return lines;
}

/** 5xx share per procedure, in percent. */
export function errorSeries(points: OpsPoint[], ranked: string[]): Series[] {
  return ranked.slice(0, maxProcedureLines).map((procedure) => ({
    key: procedure,
    name: procedure,
    colour: procedureColour(ranked, procedure),
    values: points.map((point) => (statsOf(point, procedure)?.errorRatio ?? 0) * 100),
  }));
}

export function poolSeries(points: OpsPoint[]): Series[] {
  return [
    ...(["busy", "idle", "waiting"] as const).map((state) => ({
      key: state,
      name: state[0]!.toUpperCase() + state.slice(1),
      colour: colours[state],
      values: points.map((point) => point.pool[state]),
    })),
    {
      key: "max",
      name: "Max",
      colour: colours.max,
      dashed: true,
      values: points.map((point) => point.pool.max),
    },
  ];
}

export function eventLoopSeries(points: OpsPoint[]): Series[] {
  return [
    {
      key: "lag",
      name: "Lag p99",
      colour: colours.lag,
      values: points.map((point) => point.eventLoopLagP99Ms),
    },
    {
      key: "utilisation",
      name: "Utilisation",
      colour: colours.utilisation,
      axis: "right",
      values: points.map((point) => point.eventLoopUtilization * 100),
    },
  ];
}

export function memorySeries(points: OpsPoint[]): Series[] {
  return [
    { key: "rss", name: "RSS", colour: colours.rss, values: points.map((point) => point.rssMb) },
  ];
}

/** Hit ratios in percent (gaps where nothing was read), and cached reads per second. */
export function cacheSeries(points: OpsPoint[]): Series[] {
  const percent = (ratio: number | null) => (ratio === null ? null : ratio * 100);
  return [
    {
      key: "hits",
      name: "Hit ratio",
      colour: colours.hits,
      strong: true,
      values: points.map((point) => percent(point.cache.hitRatio)),
    },
    {
      key: "memory",
      name: "From memory",
      colour: colours.memoryHits,
      values: points.map((point) => percent(point.cache.memoryHitRatio)),
    },
    {
      key: "reads",
      name: "Reads/s",
      colour: colours.reads,
      dashed: true,
      axis: "right",
      values: points.map((point) => point.cache.readsPerSecond),
    },
  ];
}

export function totalRps(point: OpsPoint): number {
  return point.procedures.reduce((sum, p) => sum + p.rps, 0);
}

/** The figures at the top of the page, from the latest point. */
export function headline(point: OpsPoint) {
  const rps = totalRps(point);
  const failing = point.procedures.reduce((sum, p) => sum + p.rps * p.errorRatio, 0);
  let worstP95: { procedure: string; ms: number } | null = null;
  for (const p of point.procedures) {
    if (p.p95Ms !== null && (worstP95 === null || p.p95Ms > worstP95.ms)) {
      worstP95 = { procedure: p.procedure, ms: p.p95Ms };
    }
  }
  return {
    rps,
    worstP95,
    errorRatio: rps === 0 ? 0 : failing / rps,
    pool: point.pool,
    lagMs: point.eventLoopLagP99Ms,
    cache: point.cache,
  };
}
