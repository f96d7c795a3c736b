import type { Frame, Summary } from "./cpuprofile";

/**
 * A self-contained HTML icicle graph of a summarised CPU profile: the whole run on top, each
 * row the callees of the one above, width = self + children time, colour = package. Hovering
 * a frame shows its function, file:line and share of the profile.
 */
const WIDTH = 1600;
const ROW = 17;
const CHAR = 6.6;
const FIXED: Record<string, string> = {
  "(root)": "#e5e7eb",
  "(idle)": "#d1d5db",
  "(program)": "#9ca3af",
  "(garbage collector)": "#f87171",
  "(native)": "#fbbf24",
  "node internals": "#4ade80",
};
// Kept apart from the fixed colours above (no greens, greys, reds or ambers).
const PALETTE = [
  "#c084fc",
  "#f472b6",
  "#2dd4bf",
  "#fb923c",
  "#22d3ee",
  "#818cf8",
  "#fb7185",
  "#e879f9",
  "#d6a77a",
  "#a78bfa",
];

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

export const ms = (us: number) => (us / 1000).toFixed(us < 10_000 ? 1 : 0);
export const percent = (part: number, whole: number) =>
  whole === 0 ? "0.0" : ((100 * part) / whole).toFixed(1);

/** Palette colours go to packages by self time, then to those only seen as callers. */
function colours(summary: Summary): (pkg: string) => string {
  const ranked = summary.packages.map((p) => p.pkg);
  const walk = (frame: Frame) => {
    ranked.push(frame.pkg);
    frame.children.forEach(walk);
  };
  walk(summary.root);
  const assigned = new Map<string, string>();
  for (const pkg of ranked) {
    if (FIXED[pkg] || pkg.startsWith("apps/") || pkg.startsWith("packages/")) continue;
    if (!assigned.has(pkg)) assigned.set(pkg, PALETTE[assigned.size % PALETTE.length]!);
  }
  return (pkg) =>
    FIXED[pkg] ??
    (pkg.startsWith("apps/") || pkg.startsWith("packages/") ? "#60a5fa" : assigned.get(pkg)) ??
    "#cbd5e1";
}

function frames(summary: Summary, colour: (pkg: string) => string) {
  const out: string[] = [];
  let depth = 0;
  const scale = WIDTH / Math.max(1, summary.totalUs);
  const draw = (frame: Frame, x: number, level: number) => {
    const width = frame.totalUs * scale;
    if (width < 0.4) return;
    depth = Math.max(depth, level + 1);
    const y = level * ROW;
    const where = frame.location ? `\n${frame.location}` : "";
    const title =
      `${frame.name}${where}\n${frame.pkg}\n` +
      `${ms(frame.totalUs)} ms (${percent(frame.totalUs, summary.totalUs)} %), ` +
      `self ${ms(frame.selfUs)} ms (${percent(frame.selfUs, summary.totalUs)} %)`;
    const chars = Math.floor((width - 6) / CHAR);
    const label =
      chars < 3
        ? ""
        : `<text x="${(x + 3).toFixed(1)}" y="${y + 12}">${escapeHtml(
            frame.name.length > chars ? `${frame.name.slice(0, chars - 1)}…` : frame.name,
          )}</text>`;
    out.push(
      `<g><title>${escapeHtml(title)}</title><rect x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${ROW - 1}" fill="${colour(frame.pkg)}"/>${label}</g>`,
    );
    let childX = x;
    for (const child of frame.children) {
      draw(child, childX, level + 1);
      childX += child.totalUs * scale;
    }
  };
  draw(summary.root, 0, 0);
  return { svg: out.join("\n"), height: depth * ROW };
}

export function renderFlameGraph(summary: Summary, title: string): string {
  const colour = colours(summary);
  const { svg, height } = frames(summary, colour);
  const idle = summary.packages.find((p) => p.pkg === "(idle)")?.selfUs ?? 0;
  const legend = summary.packages
    .slice(0, 16)
    .map(
      ({ pkg, selfUs }) =>
        `<span><i style="background:${colour(pkg)}"></i>${escapeHtml(pkg)} ${percent(selfUs, summary.totalUs)} %</span>`,
    )
    .join("");
  const rows = summary.functions
    .slice(0, 15)
    .map(
      (f) =>
        `<tr><td>${escapeHtml(f.name)}</td><td>${escapeHtml(f.location)}</td><td>${escapeHtml(f.pkg)}</td>` +
        `<td>${ms(f.selfUs)}</td><td>${percent(f.selfUs, summary.totalUs)}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font: 13px system-ui, sans-serif; margin: 16px; color: #111827; }
h1 { font-size: 16px; margin: 0 0 4px; }
p { margin: 0 0 8px; color: #4b5563; }
.legend span { display: inline-block; margin: 0 14px 4px 0; white-space: nowrap; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; }
svg { display: block; margin: 8px 0 16px; }
svg text { font: 11px ui-monospace, monospace; fill: #111827; pointer-events: none; }
svg g:hover rect { stroke: #111827; stroke-width: 1; }
table { border-collapse: collapse; }
td, th { padding: 2px 10px 2px 0; text-align: left; }
td:nth-child(n+4) { text-align: right; font-variant-numeric: tabular-nums; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${ms(summary.totalUs)} ms profiled, ${percent(summary.totalUs - idle, summary.totalUs)} % busy.
Width is time spent in a frame and its callees; colour is the package; hover for details.</p>
<div class="legend">${legend}</div>
<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 ${WIDTH} ${height}">
${svg}
</svg>
<table>
<tr><th>function (top 15 by self time)</th><th>file:line</th><th>package</th><th>self ms</th><th>%</th></tr>
${rows}
</table>
</body>
</html>
`;
}
