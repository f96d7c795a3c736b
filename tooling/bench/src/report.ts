import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { BenchArgs } from "./args";
import type { TransformerFigures } from "./transformer";
import type { Variant, Workload } from "./workloads";

export interface Row {
  workload: Workload;
  variant: Variant;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  rss_mb: number;
}

/** W1 with every database round trip `--db-latency-ms` longer, at 1 and 32 connections. */
export interface LatencyRow {
  variant: Variant;
  connections: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

/** One load generator's figures. */
export interface LoadFigures {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

/**
 * W2 cached on one api, alone and then with `auth.signIn` at full load beside it (with the
 * api's event-loop lag p99 over each point), and how the sign-ins ended.
 */
export interface StormFigures {
  connections: number;
  w2Alone: LoadFigures & { loop_lag_p99_ms: number };
  w2During: LoadFigures & { loop_lag_p99_ms: number };
  signIns: LoadFigures;
  outcomes: Record<"ok" | "failed" | "limited" | "busy", number>;
}

/**
 * W4's invitation emails, read from the mailbox. The burst (the load at full speed): what was
 * left to send when it stopped, how fast the executor sent it, and the time from each
 * invitation's commit to its email, for the measured run's invitations. `paced`: invitations
 * at a fixed rate once the burst's emails were all sent, timed the same way (null: they were
 * not, by the deadline).
 */
export interface InviteFigures {
  pendingAtLoadEnd: number;
  pendingAtDeadline: number;
  deadlineS: number;
  drainSeconds: number;
  drainPerSecond: number | null;
  commitToEmail: { emails: number; p50_ms: number | null; p99_ms: number | null };
  paced: {
    rate: number;
    seconds: number;
    invitations: number;
    pendingAtDeadline: number;
    commitToEmail: { emails: number; p50_ms: number | null; p99_ms: number | null };
  } | null;
}

/**
 * W3's yardsticks: the upstream bound (every connection waiting on the slowest provider and
 * nothing else: connections ÷ its latency), and the provider calls each snapshot made.
 */
export interface W3Figures {
  connections: number;
  slowestMs: number;
  boundRps: number;
  providerCallsPerRead: Partial<Record<Variant, number>>;
}

/** What the cache's tiers did: lookups by tier and result, and Redis commands by outcome. */
export interface CacheCounts {
  memoryHits: number;
  memoryMisses: number;
  redisHits: number;
  redisMisses: number;
  redisTimeouts: number;
  redisErrors: number;
  redisRefused: number;
  redisShed: number;
  storesWritten: number;
  storesFailed: number;
}

function find(rows: Row[], workload: Workload, variant: Variant) {
  return rows.find((r) => r.workload === workload && r.variant === variant);
}

function ratio(a: number | undefined, b: number | undefined) {
  return a === undefined || b === undefined || b === 0 ? null : a / b;
}

const rps = (rows: Row[], workload: Workload, a: Variant, b: Variant) =>
  ratio(find(rows, workload, a)?.rps, find(rows, workload, b)?.rps);

/** Share of throughput telemetry costs: 1 − with/without req/s. */
function telemetryCost(rows: Row[], workload: Workload, variant: Variant) {
  const r = rps(rows, workload, variant, "brisk-notel");
  return r === null ? null : 1 - r;
}

export function ratios(
  rows: Row[],
  latency: LatencyRow[],
  noSql: Partial<Record<Variant, number>>,
  storm: StormFigures | undefined,
  w3: W3Figures | undefined,
) {
  const cold = find(rows, "W3", "brisk-w3-cold");
  const atLatency = (variant: Variant, connections: number) =>
    latency.find((r) => r.variant === variant && r.connections === connections)?.p50_ms;
  const most = Math.max(0, ...latency.map((r) => r.connections));
  return {
    "W1 brisk/ceiling req/s": rps(rows, "W1", "brisk", "ceiling"),
    "W1 brisk/ceiling-pgjson req/s": rps(rows, "W1", "brisk", "ceiling-pgjson"),
    "W2 brisk/ceiling req/s": rps(rows, "W2", "brisk", "ceiling"),
    "W2 brisk/ceiling-pgjson req/s": rps(rows, "W2", "brisk", "ceiling-pgjson"),
    "W1 naive/brisk p50": ratio(
      find(rows, "W1", "naive")?.p50_ms,
      find(rows, "W1", "brisk")?.p50_ms,
    ),
    "W1 naive/brisk p50, 1 connection, slow database": ratio(
      atLatency("naive", 1),
      atLatency("brisk", 1),
    ),
    [`W1 naive/brisk p50, ${most} connections, slow database`]: ratio(
      atLatency("naive", most),
      atLatency("brisk", most),
    ),
    "W1 telemetry cost": telemetryCost(rows, "W1", "brisk"),
    "W2 telemetry cost": telemetryCost(rows, "W2", "brisk"),
    "W2 telemetry cost, every trace recorded": telemetryCost(rows, "W2", "brisk-traced"),
    "W2 brisk-cached/ceiling-memory req/s": rps(rows, "W2", "brisk-cached", "ceiling-memory"),
    "W2 brisk-cached/brisk req/s": rps(rows, "W2", "brisk-cached", "brisk"),
    "W2 brisk-cached-memory/brisk-cached req/s": rps(
      rows,
      "W2",
      "brisk-cached-memory",
      "brisk-cached",
    ),
    "W2 brisk-cached reads with no SQL": noSql["brisk-cached"] ?? null,
    "W2 brisk-cached-memory reads with no SQL": noSql["brisk-cached-memory"] ?? null,
    "W2 brisk-cached-auth/brisk-cached req/s": rps(rows, "W2", "brisk-cached-auth", "brisk-cached"),
    "W2 brisk-cached-auth reads with no SQL": noSql["brisk-cached-auth"] ?? null,
    "W2 p99 during a sign-in storm / without": storm
      ? ratio(storm.w2During.p99_ms, storm.w2Alone.p99_ms)
      : null,
    "W4 brisk-invite/ceiling-invite req/s": rps(rows, "W4", "brisk-invite", "ceiling-invite"),
    "W3 brisk-w3-cold/upstream bound req/s (target ≥ 0.9)": ratio(cold?.rps, w3?.boundRps),
    "W3 brisk-w3-cold p50/slowest provider's latency (target ≤ 1.1)": ratio(
      cold?.p50_ms,
      w3?.slowestMs,
    ),
    "W3 brisk-w3-cold/sequential req/s": rps(rows, "W3", "brisk-w3-cold", "sequential"),
    "W3 brisk-w3-warm/W2 brisk-cached req/s": ratio(
      find(rows, "W3", "brisk-w3-warm")?.rps,
      find(rows, "W2", "brisk-cached")?.rps,
    ),
  };
}

function formatRatio(name: string, value: number | null) {
  if (value === null) return "n/a";
  return name.includes("cost") || name.includes("no SQL")
    ? `${(value * 100).toFixed(1)} %`
    : value.toFixed(2);
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

function latencyTable(rows: LatencyRow[], roundTripMs: number): string[] {
  if (rows.length === 0) return [];
  return [
    `W1 with every database round trip ${roundTripMs} ms longer (a TCP relay between the api and Postgres):`,
    "",
    "| variant | connections | req/s | p50 ms | p99 ms | errors |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.variant} | ${r.connections} | ${r.rps} | ${r.p50_ms} | ${r.p99_ms} | ${r.errors} |`,
    ),
    "",
  ];
}

function stormTable(storm: StormFigures | undefined): string[] {
  if (!storm) return [];
  const line = (what: string, f: LoadFigures & { loop_lag_p99_ms?: number }) =>
    `| ${what} | ${f.rps} | ${f.p50_ms} | ${f.p99_ms} | ${f.errors} | ${f.loop_lag_p99_ms ?? ""} |`;
  const { ok, failed, limited, busy } = storm.outcomes;
  return [
    `A sign-in storm (\`brisk-cached-storm\`): W2 cached alone, then with \`auth.signIn\` at ${storm.connections} connections beside it (bench users, the right password, \`RATE_LIMIT_MULTIPLIER\` raised so no limit refuses):`,
    "",
    "| load | req/s | p50 ms | p99 ms | errors | api event-loop lag p99 ms |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    line("W2 alone", storm.w2Alone),
    line("W2 during the storm", storm.w2During),
    line("auth.signIn (the storm)", storm.signIns),
    "",
    `Sign-ins by outcome during the storm: ${ok} ok, ${failed} failed, ${limited} limited, ${busy} busy (hash queue full).`,
    "",
  ];
}

function inviteSection(rows: Row[], invite: InviteFigures | undefined): string[] {
  const w4 = rows.filter((r) => r.workload === "W4");
  if (w4.length === 0) return [];
  const ms = (value: number | null) => (value === null ? "n/a" : `${value} ms`);
  const drained = (f: InviteFigures) => {
    if (f.pendingAtLoadEnd === 0) return "every invitation had its email when the load stopped.";
    const left = `${f.pendingAtLoadEnd} invitations were still without their email when the load stopped`;
    const end =
      f.pendingAtDeadline > 0
        ? `${f.pendingAtDeadline} still were after the ${f.deadlineS} s deadline`
        : `the last email was recorded ${f.drainSeconds} s later`;
    return `${left}; ${end} (drain: ${f.drainPerSecond ?? "n/a"} emails/s).`;
  };
  const paced = (f: InviteFigures) => {
    if (!f.paced) return "Paced: not run, the burst's emails were not all sent by the deadline.";
    const p = f.paced;
    const left = p.pendingAtDeadline > 0 ? ` (${p.pendingAtDeadline} still without it)` : "";
    return (
      `Paced (${p.rate} invitations/s for ${p.seconds} s once the burst's emails were all sent: no backlog): ` +
      `commit → email over ${p.commitToEmail.emails} of ${p.invitations} emails${left}: p50 ${ms(p.commitToEmail.p50_ms)}, p99 ${ms(p.commitToEmail.p99_ms)}.`
    );
  };
  const mail = invite
    ? [
        `Invitation emails (\`brisk-invite\`, read from the mailbox). Burst (the load above, at full speed): ${drained(invite)} ` +
          `Commit → email recorded, over the measured run's ${invite.commitToEmail.emails} emails: p50 ${ms(invite.commitToEmail.p50_ms)}, p99 ${ms(invite.commitToEmail.p99_ms)} ` +
          "(`emails.sent_at − invitations.created_at`: both are `now()`, the start of their transaction, a few statements before it commits).",
        "",
        paced(invite),
        "",
      ]
    : [];
  return [
    "W4: `users.invite` with an admin API key (the member, the invitation and its outbox event in one transaction; the email sent by the `send-invitation-email` job through the local executor):",
    "",
    table(w4),
    "",
    ...mail,
  ];
}

function reportsSection(rows: Row[], w3: W3Figures | undefined): string[] {
  const w3Rows = rows.filter((r) => r.workload === "W3");
  if (w3Rows.length === 0 || !w3) return [];
  const calls = Object.entries(w3.providerCallsPerRead).map(
    ([variant, perRead]) => `${variant} ${perRead.toFixed(2)}`,
  );
  return [
    "W3: `reports.snapshot({ authorId })` with an admin API key, a random one of the first 1,000 bench authors per request: our numbers from Postgres and five providers' from the provider simulator (latencies 50, 80, 120, 200 and 300 ms ± 20 %), called in parallel. `brisk-w3-cold`: the providers' cache off (`PROVIDERS_CACHE=off`); `brisk-w3-warm`: on, every author's snapshot read once before the point; `sequential`: the five calls awaited one after another on node:http and undici (no database):",
    "",
    table(w3Rows),
    "",
    `Upstream bound: ${w3.connections} connections ÷ ${w3.slowestMs} ms (the slowest provider's typical latency) = ${w3.boundRps} req/s.` +
      (calls.length > 0
        ? ` Provider calls per snapshot during the point: ${calls.join(", ")}.`
        : ""),
    "",
  ];
}

function cacheTable(counts: { variant: Variant; phase: string; counts: CacheCounts }[]): string[] {
  if (counts.length === 0) return [];
  const columns: [keyof CacheCounts, string][] = [
    ["memoryHits", "memory hits"],
    ["memoryMisses", "memory misses"],
    ["redisHits", "Redis hits"],
    ["redisMisses", "Redis misses"],
    ["redisTimeouts", "Redis timeouts"],
    ["redisRefused", "refused (breaker)"],
    ["redisShed", "shed (busy)"],
    ["storesWritten", "store pipelines"],
  ];
  return [
    "What the cache's tiers did (W2's lookups, W3's of provider answers; stores are pipelines of up to 100 entries):",
    "",
    `| variant | phase | ${columns.map(([, label]) => label).join(" | ")} |`,
    `| --- | --- | ${columns.map(() => "---:").join(" | ")} |`,
    ...counts.map(
      (c) =>
        `| ${c.variant} | ${c.phase} | ${columns.map(([key]) => Math.round(c.counts[key])).join(" | ")} |`,
    ),
    "",
  ];
}

/** A bar chart of req/s per workload and variant, as a dependency-free SVG. */
function chart(rows: Row[]): string {
  const width = 640;
  const barHeight = 22;
  const gap = 8;
  const left = 180;
  const max = Math.max(...rows.map((r) => r.rps), 1);
  const colours: Record<Variant, string> = {
    brisk: "#2563eb",
    "brisk-traced": "#60a5fa",
    "brisk-notel": "#93c5fd",
    "brisk-cached": "#16a34a",
    "brisk-cached-memory": "#4ade80",
    naive: "#dc2626",
    ceiling: "#6b7280",
    "ceiling-pgjson": "#78716c",
    "ceiling-memory": "#9ca3af",
    "brisk-cached-auth": "#15803d",
    "brisk-cached-storm": "#ca8a04",
    "brisk-invite": "#7c3aed",
    "ceiling-invite": "#a8a29e",
    "brisk-w3-cold": "#0891b2",
    "brisk-w3-warm": "#22d3ee",
    sequential: "#f97316",
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
  latency: LatencyRow[];
  cacheCounts: { variant: Variant; phase: string; counts: CacheCounts }[];
  noSql: Partial<Record<Variant, number>>;
  transformers: TransformerFigures[];
  storm: StormFigures | undefined;
  invite: InviteFigures | undefined;
  w3: W3Figures | undefined;
  jsonFile: string | undefined;
  args: BenchArgs;
}) {
  const { rows, latency, transformers, storm, invite, w3 } = options;
  // W3's and W4's rows have sections of their own, with their yardsticks.
  const others = rows.filter((r) => r.workload !== "W4" && r.workload !== "W3");
  const w4 = inviteSection(rows, invite);
  const reports = reportsSection(rows, w3);
  const r = ratios(rows, latency, options.noSql, storm, w3);
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
    "Dataset: 10,000 users × 10 posts, 50 tags. W1: 100 users with their 10 latest posts. W2: one user by random id, uncached (`brisk`, cache off), through both cache tiers (`brisk-cached`, Redis behind the Upstash bridge on the same machine), through tier 1 alone (`brisk-cached-memory`), and through both tiers with a session cookie on every request (`brisk-cached-auth`, one signed-in bench user per connection). sign-in: `auth.signIn` as a bench user, beside W2 cached (`brisk-cached-storm`). W4: `users.invite` with an admin API key, a new invitee per request (`brisk-invite`, jobs on; `ceiling-invite`, the same three inserts on node:http).",
    ...(options.args.only ? ["", `Only these variants: ${options.args.only.join(", ")}.`] : []),
    "",
    ...(others.length > 0 ? [table(others), ""] : []),
    ...latencyTable(latency, options.args["db-latency-ms"]),
    ...stormTable(storm),
    ...reports,
    ...w4,
    ...cacheTable(options.cacheCounts),
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
    const json = {
      rows,
      latency,
      cacheCounts: options.cacheCounts,
      storm: storm ?? null,
      invite: invite ?? null,
      w3: w3 ?? null,
      ratios: r,
      transformers,
    };
    await writeFile(path.resolve(options.jsonFile), `${JSON.stringify(json, null, 2)}\n`);
  }
  process.stdout.write(
    `\n${others.length > 0 ? table(others) : ""}\n\n${latencyTable(latency, options.args["db-latency-ms"]).join("\n")}\n`,
  );
  process.stdout.write(`${stormTable(storm).join("\n")}\n`);
  process.stdout.write(`${reports.join("\n")}\n`);
  process.stdout.write(`${w4.join("\n")}\n`);
  process.stdout.write(
    `${cacheTable(options.cacheCounts).join("\n")}\n${ratioLines.join("\n")}\n\n`,
  );
  process.stdout.write(`wrote docs/benchmarks/latest.md and latest.svg\n`);
}
