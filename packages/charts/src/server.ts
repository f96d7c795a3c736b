import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";

const SVG_NS = 'xmlns="http://www.w3.org/2000/svg"';

/**
 * A chart as standalone SVG markup (for a PDF, an email, a file). Its own entry point so the
 * browser bundle never pulls in react-dom/server.
 */
export function chartToSvg(element: ReactElement): string {
  const markup = renderToStaticMarkup(element);
  return markup.startsWith("<svg") && !markup.includes(SVG_NS)
    ? markup.replace("<svg", `<svg ${SVG_NS}`)
    : markup;
}
