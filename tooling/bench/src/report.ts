import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { BenchArgs } from "./args";
import type { TransformerFigures } from "./transformer";
import type { Workload } from "./workloads";

export interface Row {
  workload: Workload;
  variant: "brisk" | "brisk-notel" | "brisk-cached" | "naive" | "ceiling" | "ceiling-memory";
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  rss_mb: number;
}

function find(rows: Row[], workload: Workload, variant: Row["variant"]) {
  return rows.find((r) => r.workload === workload && r.variant === variant);
}

function ratio(a: number | undefined, b: number | undefined) {
  return a === undefined || b === undefined || b === 0 ? null : a / b;
}

/** Share of throughput telemetry costs: 1 − brisk/brisk-notel req/s. */
function telemetryCost(rows: Row[], workload: Workload) {
  const r = ratio(find(rows, workload, "brisk")?.rps, find(rows, workload, "brisk-notel")?.rps);
  return r === null ? null : 1 - r;
}

export function ratios(rows: Row[], noSql: Partial<Record<Workload, number>>) {
  return {
    "W1 brisk/ceiling req/s": ratio(
      find(rows, "W1", "brisk")?.rps,
      find(rows, "W1", "ceiling")?.rps,
    ),
    "W2 brisk/ceiling req/s": ratio(
      find(rows, "W2", "brisk")?.rps,
      find(rows, "W2", "ceiling")?.rps,
    ),
    "W1 naive/brisk p50": ratio(
      find(rows, "W1", "naive")?.p50_ms,
      find(rows, "W1", "brisk")?.p50_ms,
    ),
    "W1 telemetry cost": telemetryCost(rows, "W1"),
    "W2 telemetry cost": telemetryCost(rows, "W2"),
    "W2 brisk-cached/ceiling-memory req/s": ratio(
      find(rows, "W2", "brisk-cached")?.rps,
      find(rows, "W2", "ceiling-memory")?.rps,
    ),
    "W2 brisk-cached/brisk req/s": ratio(
      find(rows, "W2", "brisk-cached")?.rps,
      find(rows, "W2", "brisk")?.rps,
    ),
    "W2 brisk-cached reads with no SQL": noSql.W2 ?? null,
  };
}

const PERCENTAGES = new Set([
  "W1 telemetry cost",
  "W2 telemetry cost",
  "W2 brisk-cached reads with no SQL",
]);

function formatRatio(name: string, value: number | null) {
  if (value === null) return "n/a";
  return PERCENTAGES.has(name) ? `${(value * 100).toFixed(1)} %` : value.toFixed(2);
}

function table(rows: Row[]): string {
  const header = "| workload | variant | req/s | p50 ms | p99 ms | errors | server RSS MB |";
  const rule = "| --- | --- | ---: | ---: | ---: | ---: | ---: |";
  const lines = rows.map(
    (r) =>
      `| ${r.workload} | ${r.variant} | ${r.rps} | ${r.p50_ms} | ${r.p99_ms} | ${r.errors} | ${r.rss_mb} |`,
  );
  return [header, rule, ...lines].join("\n");
}

/** A bar chart of req/s per workload and variant, as a dependency-free SVG. */
function chart(rows: Row[]): string {
  const width = 640;
  const barHeight = 22;
  const gap = 8;
  const left = 140;
  const max = Math.max(...rows.map((r) => r.rps), 1);
  const colours: Record<Row["variant"], string> = {
    brisk: "#2563eb",
    "brisk-notel": "#93c5fd",
    "brisk-cached": "#16a34a",
    naive: "#dc2626",
    ceiling: "#6b7280",
    "ceiling-memory": "#9ca3af",
  };
  const bars = rows.map((r, i) => {
    const y = 30 + i * (barHeight + gap);
    const w = Math.max(1, Math.round(((width - left - 90) * r.rps) / max));
    return [
      `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${r.workload} ${r.variant}</text>`,
      `<rect x="${left}" y="${y}" width="${w}" height="${barHeight}" fill="${colours[r.variant]}"/>`,
      `<text x="${left + w + 6}" y="${y + 15}">${r.rps} req/s</text>`,
    ].join("");
  });
  const height = 40 + rows.length * (barHeight + gap);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="13">
<text x="${left}" y="18" font-weight="600">Requests per second (higher is better)</text>
${bars.join("\n")}
</svg>
`;
}

export async function writeReport(options: {
  root: string;
  rows: Row[];
  noSql: Partial<Record<Workload, number>>;
  transformers: TransformerFigures[];
  jsonFile: string | undefined;
  args: BenchArgs;
}) {
  const { rows, transformers } = options;
  const r = ratios(rows, options.noSql);
  const ratioLines = Object.entries(r).map(
    ([name, value]) => `- ${name}: ${formatRatio(name, value)}`,
  );
  const transformerLines = transformers.map(
    (t) => `| ${t.name} | ${t.bytes} | ${t.serializeMs.toFixed(2)} | ${t.parseMs.toFixed(2)} |`,
  );
  const markdown = [
    "# Latest benchmark",
    "",
    `Run ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}; ` +
      `${options.args.connections} connections, ${options.args.duration} s per point after ${options.args.warmup} s warm-up.`,
    "Dataset: 10,000 users × 10 posts, 50 tags. W1: 100 users with their 10 latest posts. W2: one user by random id, uncached (`brisk`, cache off) and through both cache tiers (`brisk-cached`, Redis behind the Upstash bridge on the same machine).",
    "",
    table(rows),
    "",
    ...ratioLines,
    "",
    "W1 payload through each wire format (per operation):",
    "",
    "| format | bytes | serialize ms | parse ms |",
    "| --- | ---: | ---: | ---: |",
    ...transformerLines,
    "",
    "![req/s](latest.svg)",
    "",
  ].join("\n");

  const dir = path.join(options.root, "docs/benchmarks");
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "latest.md"), markdown);
  await writeFile(path.join(dir, "latest.svg"), chart(rows));
  if (options.jsonFile) {
    await writeFile(path.resolve(options.jsonFile), `${JSON.stringify(rows, null, 2)}\n`);
  }
  process.stdout.write(`\n${table(rows)}\n\n${ratioLines.join("\n")}\n\n`);
  process.stdout.write(
    `${["| format | bytes | serialize ms | parse ms |", ...transformerLines].join("\n")}\n`,
  );
  process.stdout.write(`\nwrote docs/benchmarks/latest.md and latest.svg\n`);
}
