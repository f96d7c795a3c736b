// The automatic JSX runtime whatever tsconfig the running tool reads (tsx under `pnpm dev`
// compiles a package's .tsx with the app's settings, where React is not in scope).
/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Group } from "@visx/group";
import { scaleLinear, scaleUtc } from "@visx/scale";
import { LinePath } from "@visx/shape";
import type { PointerEvent } from "react";
import { ChartFrame, EmptyState, extent, ValueGrid } from "./frame";
import { paletteColour, theme } from "./theme";
import { formatUtcTime, maxOf, round, valueScale } from "./ticks";

export interface LineSeries {
  name: string;
  /** One value per time; null is a gap in the line. */
  values: readonly (number | null)[];
  /** A palette colour by position unless given. */
  colour?: string;
  /** A reference line (a limit, a maximum): thinner, dashed, drawn underneath. */
  dashed?: boolean;
  /** The line the others add up to: thicker, drawn on top. */
  strong?: boolean;
  /** Read against the right axis (needs `right`); the left one unless said. */
  axis?: "left" | "right";
}

/** A limit on the left axis, drawn as a dashed red line with its label. */
export interface Threshold {
  value: number;
  label: string;
}

export interface LineChartProps {
  /** Names the chart for screen readers (aria-label and <title>). */
  title: string;
  /** Epoch ms of each sample (oldest first), or one label per sample (days, say). */
  times: readonly number[] | readonly string[];
  series: readonly LineSeries[];
  width: number;
  height: number;
  /** The left axis' unit, printed once at its top; the ticks are bare numbers. */
  unit?: string;
  /** A fixed top for the left axis (100 for a percentage); otherwise the data sets it. */
  max?: number;
  /** A second value axis on the right, for series with `axis: "right"`. */
  right?: { unit: string; max?: number };
  thresholds?: Threshold[];
  /** The sample to mark with a guide line and dots (a hover, driven by the caller). */
  hoverIndex?: number | null;
  /** Called with the sample nearest the pointer, and null when it leaves the plot. */
  onHoverIndex?: (index: number | null) => void;
  /** Time tick labels; UTC clock by default so server output does not depend on the zone. */
  formatTime?: (at: number, stepMs: number) => string;
}

const MARGIN = { top: 24, bottom: 26, left: 48, right: 16, rightAxis: 44 };

/**
 * The one DOM call (on a pointer event, never while rendering), typed here so that packages
 * compiled without the DOM lib (the job worker's) can typecheck this source.
 */
interface Measurable {
  getBoundingClientRect(): { left: number; width: number };
}
/** Room each time tick label needs, in px. */
const TICK_SPACING = 70;

/**
 * A line chart in plain SVG: no DOM access while rendering, so it renders the same in the
 * browser and through renderToStaticMarkup. Lines break where a value is null; a value alone
 * between gaps is a dot.
 */
export function LineChart(props: LineChartProps) {
  const { title, times, series, unit, right, thresholds = [], hoverIndex = null } = props;
  const width = extent(props.width);
  const height = extent(props.height);
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: Math.max(0, width - MARGIN.left - (right ? MARGIN.rightAxis : MARGIN.right)),
    height: Math.max(0, height - MARGIN.top - MARGIN.bottom),
  };
  const bottom = plot.top + plot.height;
  const pixels = { top: plot.top, bottom };

  const onLeft = series.filter((s) => s.axis !== "right" || !right);
  const onRight = right ? series.filter((s) => s.axis === "right") : [];
  const leftTop =
    props.max ??
    Math.max(maxOf(onLeft.flatMap((s) => s.values)), ...thresholds.map((t) => t.value)) * 1.05;
  const leftAxis = valueScale(leftTop, pixels);
  const rightAxis = right
    ? valueScale(right.max ?? maxOf(onRight.flatMap((s) => s.values)) * 1.05, pixels)
    : undefined;
  const y = (s: LineSeries) => (s.axis === "right" && rightAxis ? rightAxis : leftAxis).y;

  const x = timeAxis(times, plot, props.formatTime ?? formatUtcTime);
  const empty = times.length === 0 || series.every((s) => s.values.every((v) => v === null));
  const shownThresholds = thresholds.filter((t) => t.value <= leftAxis.top);
  const colourOf = (s: LineSeries) => s.colour ?? paletteColour(series.indexOf(s));
  const ordered = [...series].sort((a, b) => rank(a) - rank(b));
  const hovered = hoverIndex !== null && hoverIndex >= 0 && hoverIndex < x.at.length;

  function onPointerMove(event: PointerEvent<SVGRectElement>) {
    const box = (event.currentTarget as unknown as Measurable).getBoundingClientRect();
    // The SVG may be drawn scaled; read the pointer in the chart's own units.
    const px = plot.left + ((event.clientX - box.left) / Math.max(1, box.width)) * plot.width;
    let nearest = 0;
    for (let i = 1; i < x.at.length; i++) {
      if (Math.abs(x.at[i]! - px) < Math.abs(x.at[nearest]! - px)) nearest = i;
    }
    if (x.at.length > 0) props.onHoverIndex?.(nearest);
  }

  return (
    <ChartFrame title={title} width={width} height={height}>
      {unit ? (
        <text x={4} y={12} fill={theme.muted} fontWeight={600}>
          {unit}
        </text>
      ) : null}
      {right ? (
        <text x={width - 4} y={12} textAnchor="end" fill={theme.muted} fontWeight={600}>
          {right.unit}
        </text>
      ) : null}

      <Group>
        <ValueGrid axis={leftAxis} plot={plot} />
        {rightAxis?.ticks.map((v) => (
          <text
            key={`r${v}`}
            x={plot.left + plot.width + 6}
            y={rightAxis.y(v)}
            dominantBaseline="middle"
            fill={theme.muted}
          >
            {rightAxis.format(v)}
          </text>
        ))}
        {x.ticks.map((tick) => (
          <text
            key={tick.key}
            x={tick.x}
            y={bottom + 16}
            textAnchor="middle"
            dominantBaseline="middle"
            fill={theme.muted}
          >
            {tick.label}
          </text>
        ))}
        <line
          x1={plot.left}
          x2={plot.left + plot.width}
          y1={bottom}
          y2={bottom}
          stroke={theme.axis}
        />
      </Group>

      {shownThresholds.map((t) => (
        <g key={`${t.label}${t.value}`} data-testid="chart-threshold">
          <line
            x1={plot.left}
            x2={plot.left + plot.width}
            y1={leftAxis.y(t.value)}
            y2={leftAxis.y(t.value)}
            stroke={theme.danger}
            strokeWidth={1.25}
            strokeDasharray="5 4"
          />
          <text
            x={plot.left + plot.width - 4}
            y={leftAxis.y(t.value) - 4}
            textAnchor="end"
            fill={theme.danger}
            fontWeight={600}
          >
            {t.label}
          </text>
        </g>
      ))}

      {empty ? <EmptyState width={width} height={height} /> : null}

      {empty
        ? null
        : ordered.map((s) => {
            const scale = y(s);
            const colour = colourOf(s);
            const at = (i: number) => scale(s.values[i] ?? 0);
            return (
              <g key={`${s.name}${series.indexOf(s)}`}>
                <LinePath<number>
                  data-testid="chart-line"
                  data={s.values.map((_, i) => i).filter((i) => i < x.at.length)}
                  x={(i) => x.at[i]!}
                  y={at}
                  defined={(i) => s.values[i] !== null && s.values[i] !== undefined}
                  fill="none"
                  stroke={colour}
                  strokeWidth={s.dashed ? 1.5 : s.strong ? 2.5 : 1.75}
                  strokeDasharray={s.dashed ? "6 4" : undefined}
                  strokeLinejoin="round"
                  strokeLinecap="round"
                />
                {loneIndices(s.values, x.at.length).map((i) => (
                  <circle key={i} cx={x.at[i]!} cy={at(i)} r={2.5} fill={colour} />
                ))}
              </g>
            );
          })}

      {hovered ? (
        <g data-testid="chart-hover">
          <line
            x1={x.at[hoverIndex]}
            x2={x.at[hoverIndex]}
            y1={plot.top}
            y2={bottom}
            stroke={theme.muted}
            strokeDasharray="2 3"
          />
          {ordered.map((s) => {
            const v = s.values[hoverIndex];
            if (v === null || v === undefined) return null;
            return (
              <circle
                key={`${s.name}${series.indexOf(s)}`}
                cx={x.at[hoverIndex]}
                cy={y(s)(v)}
                r={3.5}
                fill={colourOf(s)}
                stroke={theme.surface}
                strokeWidth={1.5}
              />
            );
          })}
        </g>
      ) : null}

      {props.onHoverIndex ? (
        <rect
          x={plot.left}
          y={plot.top}
          width={plot.width}
          height={plot.height}
          fill="transparent"
          cursor="crosshair"
          onPointerMove={onPointerMove}
          onPointerLeave={() => props.onHoverIndex?.(null)}
        />
      ) : null}
    </ChartFrame>
  );
}

/**
 * Where each sample sits across the plot, and the labelled ticks under it: round clock times
 * for epoch ms, every nth label for labelled samples (as many as fit).
 */
function timeAxis(
  times: readonly number[] | readonly string[],
  plot: { left: number; width: number },
  formatTime: (at: number, stepMs: number) => string,
) {
  const room = Math.max(1, Math.floor(plot.width / TICK_SPACING));
  const range = [plot.left, plot.left + plot.width];
  if (times.length > 0 && typeof times[0] === "string") {
    const labels = times as readonly string[];
    const index = scaleLinear<number>({ domain: [0, Math.max(1, labels.length - 1)], range });
    const at = labels.map((_, i) =>
      round(labels.length === 1 ? plot.left + plot.width / 2 : index(i)),
    );
    const every = Math.ceil(labels.length / room);
    const ticks = labels.flatMap((label, i) =>
      i % every === 0 ? [{ key: `${i}`, x: at[i]!, label }] : [],
    );
    return { at, ticks };
  }
  const epochs = times as readonly number[];
  if (epochs.length === 0) return { at: [], ticks: [] };
  const from = epochs[0]!;
  const to = epochs.at(-1)!;
  if (from === to) {
    const middle = plot.left + plot.width / 2;
    return {
      at: epochs.map(() => middle),
      ticks: [{ key: `${from}`, x: middle, label: formatTime(from, 1000) }],
    };
  }
  const scale = scaleUtc<number>({ domain: [new Date(from), new Date(to)], range });
  const dates = scale.ticks(room);
  const stepMs = dates.length > 1 ? dates[1]!.getTime() - dates[0]!.getTime() : to - from;
  return {
    at: epochs.map((t) => round(scale(new Date(t)))),
    ticks: dates.map((d) => ({
      key: `${d.getTime()}`,
      x: round(scale(d)),
      label: formatTime(d.getTime(), stepMs),
    })),
  };
}

/** Dashed reference lines underneath, the total on top. */
function rank(s: LineSeries): number {
  return s.dashed ? 0 : s.strong ? 2 : 1;
}

/** Samples with a value but none either side: a line cannot show them, a dot does. */
function loneIndices(values: readonly (number | null)[], count: number): number[] {
  const has = (i: number) => i >= 0 && i < count && values[i] !== null && values[i] !== undefined;
  return values.flatMap((_, i) => (has(i) && !has(i - 1) && !has(i + 1) ? [i] : []));
}
