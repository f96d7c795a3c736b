/**
 * The dashboard's one way to draw a chart: React components on visx that render plain SVG,
 * in the browser and on the server alike (see ./server for SVG markup).
 */
export { BarChart, type BarChartProps } from "./bar-chart";
export { LineChart, type LineChartProps, type LineSeries, type Threshold } from "./line-chart";
export { palette, paletteColour, theme } from "./theme";
export { formatTick, ticksUpTo } from "./ticks";
