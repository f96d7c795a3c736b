// The automatic JSX runtime whatever tsconfig the running tool reads (tsx under `pnpm dev`
// compiles a package's .tsx with the app's settings, where React is not in scope).
/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Group } from "@visx/group";
import { scaleBand } from "@visx/scale";
import { Bar } from "@visx/shape";
import { ChartFrame, EmptyState, extent, ValueGrid } from "./frame";
import { paletteColour, theme } from "./theme";
import { formatTick, maxOf, round, valueScale } from "./ticks";

export interface BarChartProps {
  /** Names the chart for screen readers (aria-label and <title>). */
  title: string;
  /** One bar per item, in this order; values below zero are drawn as zero. */
  data: readonly { label: string; value: number }[];
  width: number;
  height: number;
  /** The value axis' unit, printed once at its top. */
  unit?: string;
  colour?: string;
}

const MARGIN = { top: 24, bottom: 30, left: 48, right: 16 };
/** An 11 px label's average character width, to cut labels that would overlap. */
const CHAR_PX = 6.2;

/** A bar chart in plain SVG, the same in the browser and through renderToStaticMarkup. */
export function BarChart({ title, data, unit, colour = paletteColour(0), ...size }: BarChartProps) {
  const width = extent(size.width);
  const height = extent(size.height);
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: Math.max(0, width - MARGIN.left - MARGIN.right),
    height: Math.max(0, height - MARGIN.top - MARGIN.bottom),
  };
  const bottom = plot.top + plot.height;
  const values = data.map((d) => (Number.isFinite(d.value) ? Math.max(0, d.value) : 0));
  const axis = valueScale(maxOf(values) * 1.05, { top: plot.top, bottom });
  const x = scaleBand<number>({
    domain: data.map((_, i) => i),
    range: [plot.left, plot.left + plot.width],
    padding: 0.2,
  });
  const band = x.bandwidth();
  const fits = Math.max(1, Math.floor((band + x.step() * 0.2) / CHAR_PX));

  return (
    <ChartFrame title={title} width={width} height={height}>
      {unit ? (
        <text x={4} y={12} fill={theme.muted} fontWeight={600}>
          {unit}
        </text>
      ) : null}
      <Group>
        <ValueGrid axis={axis} plot={plot} />
        <line
          x1={plot.left}
          x2={plot.left + plot.width}
          y1={bottom}
          y2={bottom}
          stroke={theme.axis}
        />
      </Group>

      {data.length === 0 ? <EmptyState width={width} height={height} /> : null}

      {data.map((d, i) => {
        const left = x(i) ?? plot.left;
        const top = axis.y(values[i]!);
        return (
          <g key={`${i}${d.label}`}>
            <Bar
              data-testid="chart-bar"
              x={round(left)}
              y={round(top)}
              width={round(band)}
              height={round(bottom - top)}
              fill={colour}
            >
              <title>{`${d.label}: ${formatValue(d.value)}${unit ? ` ${unit}` : ""}`}</title>
            </Bar>
            <text
              x={round(left + band / 2)}
              y={round(top - 4)}
              textAnchor="middle"
              fill={theme.text}
              fontWeight={600}
            >
              {formatValue(d.value)}
            </text>
            <text
              x={round(left + band / 2)}
              y={bottom + 16}
              textAnchor="middle"
              dominantBaseline="middle"
              fill={theme.muted}
            >
              {shorten(d.label, fits)}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}

function formatValue(value: number): string {
  return Number.isFinite(value) ? formatTick(value, value % 1 === 0 ? 1 : 0.01) : "–";
}

function shorten(label: string, chars: number): string {
  return label.length <= chars ? label : `${label.slice(0, Math.max(1, chars - 1))}…`;
}
