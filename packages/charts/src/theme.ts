/**
 * Colours as literal values, not CSS variables: the same SVG goes into a PDF where no
 * stylesheet applies. They match the dashboard's tokens (apps/web/src/app/tokens.css).
 */
export const theme = {
  text: "#141821",
  muted: "#5d6675",
  grid: "#e3e6eb",
  axis: "#cfd4dc",
  danger: "#b42318",
  surface: "#ffffff",
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  fontSize: 11,
} as const;

/** Told apart by hue and by lightness, so they survive greyscale and most colour blindness. */
export const palette = ["#2f5bea", "#0e9f6e", "#d97706", "#9333ea", "#db2777", "#0891b2"] as const;

export function paletteColour(index: number): string {
  return palette[index % palette.length]!;
}
