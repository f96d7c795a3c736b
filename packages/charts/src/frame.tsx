// The automatic JSX runtime whatever tsconfig the running tool reads (tsx under `pnpm dev`
// compiles a package's .tsx with the app's settings, where React is not in scope).
/** @jsxRuntime automatic */
/** @jsxImportSource react */
import type { ReactNode } from "react";
import { theme } from "./theme";
import type { valueScale } from "./ticks";

/**
 * The root of every chart: fixed size, named for screen readers (aria-label and <title>), and
 * with the SVG namespace so the markup stands alone as an .svg file.
 */
export function ChartFrame({
  title,
  width,
  height,
  children,
}: {
  title: string;
  width: number;
  height: number;
  children: ReactNode;
}) {
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={title}
      fontFamily={theme.font}
      fontSize={theme.fontSize}
      overflow="visible"
    >
      <title>{title}</title>
      {children}
    </svg>
  );
}

/** What a chart with nothing to draw shows instead of lines at NaN. */
export function EmptyState({ width, height }: { width: number; height: number }) {
  return (
    <text
      data-testid="chart-empty"
      x={width / 2}
      y={height / 2}
      textAnchor="middle"
      dominantBaseline="middle"
      fill={theme.muted}
    >
      No data
    </text>
  );
}

/** A size that cannot produce NaN or a negative extent. */
export function extent(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** Grid lines at a value axis's ticks, across the plot, each labelled at the plot's left. */
export function ValueGrid({
  axis,
  plot,
}: {
  axis: ReturnType<typeof valueScale>;
  plot: { left: number; width: number };
}) {
  return axis.ticks.map((v) => (
    <g key={`l${v}`}>
      <line
        x1={plot.left}
        x2={plot.left + plot.width}
        y1={axis.y(v)}
        y2={axis.y(v)}
        stroke={theme.grid}
      />
      <text
        x={plot.left - 6}
        y={axis.y(v)}
        textAnchor="end"
        dominantBaseline="middle"
        fill={theme.muted}
      >
        {axis.format(v)}
      </text>
    </g>
  ));
}
