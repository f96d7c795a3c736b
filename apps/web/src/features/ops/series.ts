import type { OpsPoint } from "./queries";

/** One line of a chart: a value per point (null where there is nothing to draw). */
export interface Series {
  key: string;
  label: string;
  colour: string;
  values: (number | null)[];
  dashed?: boolean;
  /** Drawn thicker: the line the others add up to. */
  strong?: boolean;
  /** Which y axis it is read against; the left one unless said. */
  axis?: "left" | "right";
}

/** Told apart by hue and by lightness, so they survive greyscale and most colour blindness. */
const procedurePalette = ["#2f5bea", "#0e9f6e", "#d97706", "#9333ea", "#db2777", "#0891b2"];

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
  return procedurePalette[rank % procedurePalette.length] ?? colours.total;
}

export const maxProcedureLines = procedurePalette.length;

function statsOf(point: OpsPoint, procedure: string) {
  return point.procedures.find((p) => p.procedure === procedure);
}

export function latencySeries(points: OpsPoint[], procedure: string): Series[] {
  return (["p50", "p95", "p99"] as const).map((q) => ({
    key: q,
    label: q,
    colour: colours[q],
    // A procedure with no calls in an interval has no percentiles: a gap, not a zero.
    values: points.map((point) => statsOf(point, procedure)?.[`${q}Ms`] ?? null),
  }));
}

export function throughputSeries(points: OpsPoint[], ranked: string[]): Series[] {
  const lines: Series[] = ranked.slice(0, maxProcedureLines).map((procedure) => ({
    key: procedure,
    label: procedure,
    colour: procedureColour(ranked, procedure),
    values: points.map((point) => statsOf(point, procedure)?.rps ?? 0),
  }));
  lines.push({
    key: "total",
    label: "Total",
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
    label: procedure,
    colour: procedureColour(ranked, procedure),
    values: points.map((point) => (statsOf(point, procedure)?.errorRatio ?? 0) * 100),
  }));
}

export function poolSeries(points: OpsPoint[]): Series[] {
  return [
    ...(["busy", "idle", "waiting"] as const).map((state) => ({
      key: state,
      label: state[0]!.toUpperCase() + state.slice(1),
      colour: colours[state],
      values: points.map((point) => point.pool[state]),
    })),
    {
      key: "max",
      label: "Max",
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
      label: "Lag p99",
      colour: colours.lag,
      values: points.map((point) => point.eventLoopLagP99Ms),
    },
    {
      key: "utilisation",
      label: "Utilisation",
      colour: colours.utilisation,
      axis: "right",
      values: points.map((point) => point.eventLoopUtilization * 100),
    },
  ];
}

export function memorySeries(points: OpsPoint[]): Series[] {
  return [
    { key: "rss", label: "RSS", colour: colours.rss, values: points.map((point) => point.rssMb) },
  ];
}

/** Hit ratios in percent (gaps where nothing was read), and cached reads per second. */
export function cacheSeries(points: OpsPoint[]): Series[] {
  const percent = (ratio: number | null) => (ratio === null ? null : ratio * 100);
  return [
    {
      key: "hits",
      label: "Hit ratio",
      colour: colours.hits,
      strong: true,
      values: points.map((point) => percent(point.cache.hitRatio)),
    },
    {
      key: "memory",
      label: "From memory",
      colour: colours.memoryHits,
      values: points.map((point) => percent(point.cache.memoryHitRatio)),
    },
    {
      key: "reads",
      label: "Reads/s",
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
