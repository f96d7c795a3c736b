import type { ReactElement } from "react";

/**
 * What `@brisk/charts/server` resolves to inside React Server Components (Next's server
 * bundle), where react-dom/server may not be imported. Code that renders charts to SVG (the
 * report job) reaches that bundle only through imports it never runs there, so this never
 * runs either; it fails loudly if it ever does.
 */
export function chartToSvg(_element: ReactElement): string {
  throw new Error(
    "chartToSvg runs in Node (the job worker), not in React Server Components: render the chart element instead",
  );
}
