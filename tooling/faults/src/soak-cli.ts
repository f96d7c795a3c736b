import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { LineChart } from "@brisk/charts";
import { chartToSvg } from "@brisk/charts/server";
import { createElement } from "react";
import { z } from "zod";
import { type SoakSample, soak, THINK_MS, trends } from "./soak";
import { startStack } from "./stack";

/**
 * `pnpm soak [--seconds 600] [--connections 64]`: the bounded soak on the production topology
 * (two api instances behind HAProxy, Redis, the executor, the provider simulator, 10,000
 * users), written to docs/benchmarks/soak.md with a chart of RSS, req/s and p99 over time.
 * Run it on a quiet machine. It fails (exit 1) on any failed request, on memory growing faster
 * than MAX_RSS_SLOPE_MB_PER_100K after warm-up, or on more handles, timers, descriptors or
 * connections held idle after the soak than idle before it.
 */
const MAX_RSS_SLOPE_MB_PER_100K = 5;
/** Past the api's 65 s keep-alive: idle connections from the balancer are closed by then. */
const IDLE_SETTLE_S = 75;
/** What idle counts may differ by before and after the soak (a socket in a pool, say). */
const IDLE_SLACK = 5;

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "600" },
    connections: { type: "string", default: "64" },
  },
});
const args = z
  .object({
    seconds: z.coerce.number().int().min(30).max(7_200),
    connections: z.coerce.number().int().min(1).max(1_000),
  })
  .parse(values);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const out = path.join(root, "docs/benchmarks");
const USERS = 10_000;

const say = (line: string) => process.stdout.write(`[soak] ${line}\n`);

say("starting the stack (seeding 10,000 users)…");
const stack = await startStack({
  instances: 2,
  redis: true,
  jobs: true,
  seed: { users: USERS, postsPerUser: 10 },
});
let result: Awaited<ReturnType<typeof soak>>;
try {
  const token = await stack.signIn();
  say(`${args.seconds} s at ${args.connections} connections through ${stack.url}`);
  result = await soak(stack, token, {
    seconds: args.seconds,
    users: USERS,
    connections: args.connections,
    everyS: 10,
    idle: { warmupS: 30, settleS: IDLE_SETTLE_S },
    onSample: (s) =>
      say(
        `${s.at} s: ${s.reqPerS} req/s, p99 ${s.p99Ms} ms, errors ${s.errors}, RSS ${Object.values(
          s.instances,
        )
          .map((i) => `${i.rssMb} MB`)
          .join(" / ")}`,
      ),
  });
} finally {
  await stack.stop();
}

const { samples, counts } = result;
const found = trends(samples);
const COUNTS = {
  handles: "handles",
  timers: "timers",
  openFds: "descriptors",
  pgConnections: "Postgres connections",
} as const;
// Counts read idle, before and after: a leak keeps what it took once the traffic is gone.
const idleGrowth = Object.fromEntries(
  Object.keys(result.idle!.before).map((name) => [
    name,
    Object.fromEntries(
      Object.entries(COUNTS).map(([key, label]) => [
        label,
        result.idle!.after[name]![key as keyof typeof COUNTS] -
          result.idle!.before[name]![key as keyof typeof COUNTS],
      ]),
    ),
  ]),
);
const errors = samples.reduce((sum, s) => sum + s.errors, 0);
const requests = samples.at(-1)!.requests;
const problems = [
  ...(errors > 0 ? [`${errors} failed requests`] : []),
  ...Object.entries(found).flatMap(([name, t]) => [
    ...(t.rssMbPer100kRequests > MAX_RSS_SLOPE_MB_PER_100K
      ? [`${name}: RSS grows ${t.rssMbPer100kRequests} MB per 100,000 requests`]
      : []),
  ]),
  ...Object.entries(idleGrowth).flatMap(([name, growth]) =>
    Object.entries(growth)
      .filter(([, by]) => by > IDLE_SLACK)
      .map(([what, by]) => `${name}: ${by} more ${what} idle after the soak than before`),
  ),
];

const times = samples.map((s) => `${Math.round(s.at / 60)}m`);
const names = Object.keys(samples[0]!.instances);
const rssChart = chartToSvg(
  createElement(LineChart, {
    title: "RSS of each api instance over the soak",
    times,
    width: 720,
    height: 220,
    unit: "MB",
    series: names.map((name) => ({
      name: `${name} RSS`,
      values: samples.map((s) => s.instances[name]!.rssMb),
    })),
  }),
);
const trafficChart = chartToSvg(
  createElement(LineChart, {
    title: "Requests per second and p99 latency over the soak",
    times,
    width: 720,
    height: 220,
    unit: "req/s",
    right: { unit: "p99 ms" },
    series: [
      { name: "req/s", values: samples.map((s) => s.reqPerS), strong: true },
      { name: "p99 ms", values: samples.map((s) => s.p99Ms), axis: "right" as const },
    ],
  }),
);
await writeFile(path.join(out, "soak-rss.svg"), rssChart);
await writeFile(path.join(out, "soak-traffic.svg"), trafficChart);

const row = (s: SoakSample) =>
  `| ${s.at} | ${s.requests} | ${s.reqPerS} | ${s.p99Ms} | ${s.errors} | ${names
    .map((n) => {
      const i = s.instances[n]!;
      return `${i.rssMb} / ${i.handles} / ${i.timers} / ${i.openFds} / ${i.pgConnections}`;
    })
    .join(" | ")} |`;
const cpu = os.cpus();
const report = `# Soak

Run ${new Date().toISOString()} on ${cpu.length} × ${cpu[0]?.model.trim()}, Node ${process.version}, by \`pnpm soak --seconds ${args.seconds} --connections ${args.connections}\`: two api instances (production bundle) behind HAProxy, Redis behind the Upstash bridge, the local Inngest executor, the provider simulator, and Postgres, all on this machine with the load generator. ${USERS.toLocaleString("en")} users. Mixed load, closed loop, each connection pausing ${THINK_MS} ms between requests (below saturation: see \`soak.ts\`): reads (\`users.byId\`) 60, post lists 20, post writes 15, sign-ins 0.05, report orders 0.1 (weights).

**${requests.toLocaleString("en")} requests in ${args.seconds} s, ${errors} failed.** ${problems.length === 0 ? "No growth beyond the bounds after warm-up." : `Problems: ${problems.join("; ")}.`}

| instance | RSS MB after warm-up (first → last, max) | RSS trend, MB per 100,000 requests | handles drift | timers drift | descriptors drift | Postgres connections drift |
| --- | --- | ---: | ---: | ---: | ---: | ---: |
${Object.entries(found)
  .map(
    ([name, t]) =>
      `| ${name} | ${t.rssMb.first} → ${t.rssMb.last}, ${t.rssMb.max} | ${t.rssMbPer100kRequests} | ${t.handlesDrift} | ${t.timersDrift} | ${t.fdsDrift} | ${t.pgConnectionsDrift} |`,
  )
  .join("\n")}

Idle, ${IDLE_SETTLE_S} s after the load stopped (past the api's 65 s keep-alive), before the soak (after a 30 s warm-up at the same load) and after it — handles / timers / descriptors / Postgres connections: ${Object.keys(
  result.idle!.before,
)
  .map((name) => {
    const b = result.idle!.before[name]!;
    const a = result.idle!.after[name]!;
    return `${name} ${b.handles} / ${b.timers} / ${b.openFds} / ${b.pgConnections} → ${a.handles} / ${a.timers} / ${a.openFds} / ${a.pgConnections}`;
  })
  .join("; ")} (a leak would keep what it took; the bound is ${IDLE_SLACK} more of any).

Under load the counts move with the sockets open at each look; their drift in the table above is a least-squares trend, for information. Warm-up is the first 40 % of the samples (tier 1 filling to its bound, V8 growing its heap). Trends are least-squares over the requests served after it; a drift is that trend across the steady part (sockets come and go, so a count is read by its trend, not by two looks). Answers by operation and status: ${Object.entries(
  counts,
)
  .map(([k, v]) => `${k}: ${v}`)
  .join(", ")}.

![RSS per instance](soak-rss.svg)

RSS of each instance: blue api1, green api2.

![req/s and p99](soak-traffic.svg)

Blue: requests per second (left axis); green: p99 latency in ms of each 10 s window (right axis).

| s | requests | req/s | p99 ms | errors | ${names.map((n) => `${n} RSS MB / handles / timers / fds / pg`).join(" | ")} |
| ---: | ---: | ---: | ---: | ---: | ${names.map(() => "---").join(" | ")} |
${samples.map(row).join("\n")}
`;
await writeFile(path.join(out, "soak.md"), report);
say(`wrote docs/benchmarks/soak.md (${requests} requests, ${errors} failed)`);
if (problems.length > 0) {
  say(`FAILED: ${problems.join("; ")}`);
  process.exit(1);
}
process.exit(0);
