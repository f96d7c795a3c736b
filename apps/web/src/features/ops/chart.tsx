"use client";

import { clsx } from "clsx";
import { type PointerEvent, useEffect, useRef, useState } from "react";
import styles from "./chart.module.css";
import { formatClock, formatTick } from "./format";
import { timeTicks, valueTicks } from "./scale";
import type { Series } from "./series";

export interface Axis {
  /** Named once at the top of the axis; the ticks are bare numbers. */
  unit: string;
  /** How the legend prints a value read against this axis. */
  format: (value: number) => string;
  /** A fixed top (100 for a percentage); otherwise the data and thresholds set it. */
  max?: number;
}

/** An alert threshold on the left axis, drawn as a dashed red line. */
export interface Threshold {
  value: number;
  label: string;
}

const MARGIN = { top: 24, bottom: 26, left: 48, right: 16, rightAxis: 44 };

/**
 * A time series chart in plain SVG, as wide as its container. Lines break where a value is
 * null. Hovering reads every line at the nearest sample in the legend, which otherwise shows
 * the latest sample.
 */
export function LineChart({
  label,
  times,
  series,
  left,
  right,
  thresholds = [],
  height = 220,
}: {
  label: string;
  /** Epoch ms of each sample, oldest first; every series has one value per time. */
  times: number[];
  series: Series[];
  left: Axis;
  right?: Axis;
  thresholds?: Threshold[];
  height?: number;
}) {
  const [container, width] = useWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const shown = hover ?? times.length - 1;

  const onLeft = series.filter((s) => s.axis !== "right");
  const onRight = series.filter((s) => s.axis === "right");
  const leftMax = maxOf(onLeft);
  // A threshold far above the data would flatten every line at the bottom; the legend
  // says it is off scale instead.
  const inView = (t: Threshold) =>
    left.max !== undefined ? t.value <= left.max : leftMax === 0 || leftMax >= t.value / 4;
  const leftScale = valueTicks(
    left.max ?? Math.max(leftMax, ...thresholds.filter(inView).map((t) => t.value)) * 1.05,
  );
  const rightScale = right ? valueTicks(right.max ?? maxOf(onRight) * 1.05) : undefined;

  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: Math.max(0, width - MARGIN.left - (right ? MARGIN.rightAxis : MARGIN.right)),
    height: height - MARGIN.top - MARGIN.bottom,
  };
  const from = times[0] ?? 0;
  const to = times.at(-1) ?? 1;
  const x = (t: number) => plot.left + ((t - from) / Math.max(1, to - from)) * plot.width;
  const yOf = (top: number) => (v: number) => plot.top + plot.height - (v / top) * plot.height;
  const yLeft = yOf(leftScale.top);
  const yRight = rightScale ? yOf(rightScale.top) : yLeft;
  const xs = times.map(x);
  const time = timeTicks(from, to, Math.floor(plot.width / 70));
  const clock = (t: number) =>
    time.stepMs >= 60_000 ? formatClock(t).slice(0, 5) : formatClock(t);
  const ordered = [...series].sort((a, b) => rank(a) - rank(b));

  function onPointerMove(event: PointerEvent<SVGRectElement>) {
    const px = event.clientX - event.currentTarget.getBoundingClientRect().left + plot.left;
    let nearest = 0;
    for (let i = 1; i < xs.length; i++) {
      if (Math.abs(xs[i]! - px) < Math.abs(xs[nearest]! - px)) nearest = i;
    }
    setHover(nearest);
  }

  return (
    <div className={styles.chart} data-testid="ops-chart">
      <div ref={container} className={styles.chartCanvas} style={{ height }}>
        {width > 0 ? (
          <svg width={width} height={height} role="img" aria-label={label}>
            <text className={styles.chartUnit} x={4} y={12}>
              {left.unit}
            </text>
            {right ? (
              <text className={styles.chartUnit} x={width - 4} y={12} textAnchor="end">
                {right.unit}
              </text>
            ) : null}

            {leftScale.ticks.map((v) => (
              <g key={`l${v}`}>
                <line
                  className={styles.chartGrid}
                  x1={plot.left}
                  x2={plot.left + plot.width}
                  y1={yLeft(v)}
                  y2={yLeft(v)}
                />
                <text className={styles.chartTick} x={plot.left - 6} y={yLeft(v)} textAnchor="end">
                  {formatTick(v, leftScale.step)}
                </text>
              </g>
            ))}
            {rightScale?.ticks.map((v) => (
              <text
                key={`r${v}`}
                className={styles.chartTick}
                x={plot.left + plot.width + 6}
                y={yRight(v)}
                textAnchor="start"
              >
                {formatTick(v, rightScale.step)}
              </text>
            ))}
            {time.ticks.map((t) => (
              <text
                key={t}
                className={styles.chartTick}
                x={x(t)}
                y={plot.top + plot.height + 16}
                textAnchor="middle"
              >
                {clock(t)}
              </text>
            ))}
            <line
              className={styles.chartAxis}
              x1={plot.left}
              x2={plot.left + plot.width}
              y1={plot.top + plot.height}
              y2={plot.top + plot.height}
            />

            {thresholds.filter(inView).map((t) => (
              <g key={t.label} className={styles.chartThreshold}>
                <line
                  x1={plot.left}
                  x2={plot.left + plot.width}
                  y1={yLeft(t.value)}
                  y2={yLeft(t.value)}
                />
                <text x={plot.left + plot.width - 4} y={yLeft(t.value) - 4} textAnchor="end">
                  {t.label}
                </text>
              </g>
            ))}

            {ordered.map((s) => {
              const line = linePath(s.values, xs, s.axis === "right" ? yRight : yLeft);
              return (
                <g key={s.key}>
                  <path
                    data-testid="chart-line"
                    className={lineClass(s)}
                    stroke={s.colour}
                    d={line.d}
                  />
                  {line.dots.map(([cx, cy]) => (
                    <circle key={cx} cx={cx} cy={cy} r={2.5} fill={s.colour} />
                  ))}
                </g>
              );
            })}

            {hover !== null ? (
              <g className={styles.chartHover}>
                <line x1={xs[hover]} x2={xs[hover]} y1={plot.top} y2={plot.top + plot.height} />
                {ordered.map((s) => {
                  const v = s.values[hover];
                  if (v === null || v === undefined) return null;
                  const y = s.axis === "right" ? yRight : yLeft;
                  return <circle key={s.key} cx={xs[hover]} cy={y(v)} r={3.5} fill={s.colour} />;
                })}
              </g>
            ) : null}
            <rect
              className={styles.chartOverlay}
              x={plot.left}
              y={plot.top}
              width={plot.width}
              height={plot.height}
              onPointerMove={onPointerMove}
              onPointerLeave={() => setHover(null)}
            />
          </svg>
        ) : null}
      </div>

      <ul className={styles.chartLegend} aria-label={`${label}: legend`}>
        <li className={styles.chartLegendTime}>
          {hover === null ? "Latest" : formatClock(times[hover] ?? 0)}
        </li>
        {series.map((s) => {
          const v = s.values[shown];
          const format = s.axis === "right" && right ? right.format : left.format;
          return (
            <li key={s.key}>
              <span
                className={clsx(styles.chartSwatch, s.dashed && styles.chartSwatchDashed)}
                style={{ color: s.colour }}
                aria-hidden="true"
              />
              <span className={styles.chartLegendLabel}>{s.label}</span>
              <span className={styles.chartLegendValue}>
                {v === null || v === undefined ? "–" : format(v)}
              </span>
            </li>
          );
        })}
        {thresholds.map((t) => (
          <li key={t.label} className={styles.chartLegendThreshold}>
            <span
              className={clsx(styles.chartSwatch, styles.chartSwatchDashed)}
              aria-hidden="true"
            />
            <span className={styles.chartLegendLabel}>
              {t.label}
              {inView(t) ? "" : " (above the scale)"}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The element's content width, kept up to date as the layout changes. */
function useWidth<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

function maxOf(series: Series[]): number {
  let max = 0;
  for (const s of series) for (const v of s.values) if (v !== null && v > max) max = v;
  return max;
}

/** Dashed reference lines underneath, the total on top. */
function rank(s: Series): number {
  return s.dashed ? 0 : s.strong ? 2 : 1;
}

function lineClass(s: Series): string {
  return clsx(
    styles.chartLine,
    s.dashed && styles.chartLineDashed,
    s.strong && styles.chartLineStrong,
  );
}

/** One subpath per run of values; a value alone between gaps is a dot instead. */
function linePath(values: (number | null)[], xs: number[], y: (v: number) => number) {
  let d = "";
  const dots: [number, number][] = [];
  values.forEach((v, i) => {
    if (v === null) return;
    const before = i > 0 && values[i - 1] !== null;
    const after = (values[i + 1] ?? null) !== null;
    if (!before && !after) dots.push([xs[i]!, y(v)]);
    else d += `${before ? " L" : d ? " M" : "M"}${xs[i]!.toFixed(1)} ${y(v).toFixed(1)}`;
  });
  return { d, dots };
}
