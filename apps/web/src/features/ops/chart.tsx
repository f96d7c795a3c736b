"use client";

import { LineChart as Chart, type Threshold } from "@brisk/charts";
import { clsx } from "clsx";
import { useEffect, useRef, useState } from "react";
import styles from "./chart.module.css";
import { formatClock } from "./format";
import type { Series } from "./series";

export type { Threshold };

export interface Axis {
  /** Named once at the top of the axis; the ticks are bare numbers. */
  unit: string;
  /** How the legend prints a value read against this axis. */
  format: (value: number) => string;
  /** A fixed top (100 for a percentage); otherwise the data and thresholds set it. */
  max?: number;
}

/**
 * A time series chart (drawn by @brisk/charts) as wide as its container, with a legend that
 * reads every line at the hovered sample, and otherwise at the latest one.
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

  // A threshold far above the data would flatten every line at the bottom; the legend
  // says it is off scale instead.
  const leftMax = maxOf(series.filter((s) => s.axis !== "right"));
  const inView = (t: Threshold) =>
    left.max !== undefined ? t.value <= left.max : leftMax === 0 || leftMax >= t.value / 4;

  return (
    <div className={styles.chart} data-testid="ops-chart">
      <div ref={container} className={styles.chartCanvas} style={{ height }}>
        {width > 0 ? (
          <Chart
            title={label}
            times={times}
            series={series}
            width={width}
            height={height}
            unit={left.unit}
            max={left.max}
            right={right ? { unit: right.unit, max: right.max } : undefined}
            thresholds={thresholds.filter(inView)}
            hoverIndex={hover}
            onHoverIndex={setHover}
            formatTime={(at, stepMs) =>
              stepMs >= 60_000 ? formatClock(at).slice(0, 5) : formatClock(at)
            }
          />
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
              <span className={styles.chartLegendLabel}>{s.name}</span>
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
