import { readdir, readFile } from "node:fs/promises";
import { type Outcome, startMixedLoad, tally } from "./load";
import type { ApiInstance, Stack } from "./stack";

/** One look at an api instance: its process as the kernel sees it, and its own metrics. */
export interface InstanceSample {
  rssMb: number;
  openFds: number;
  /** libuv handles (sockets, servers, timers' handle) as Node counts them. */
  handles: number;
  /** Pending timers (`Timeout` resources). */
  timers: number;
  /** Its connections to Postgres, as Postgres counts them (pools, monitor, LISTEN). */
  pgConnections: number;
}

export interface SoakSample {
  /** Seconds since the load started. */
  at: number;
  requests: number;
  reqPerS: number;
  p99Ms: number;
  errors: number;
  instances: Record<string, InstanceSample>;
}

export interface SoakOptions {
  seconds: number;
  /** Users 1..users exist (the stack's seed). */
  users: number;
  connections: number;
  /** Seconds between samples. */
  everyS: number;
  /**
   * With it, the process counts are also read idle: after `warmupS` of the same load, and
   * again after the soak, each time `settleS` after the load stopped (past the api's 65 s
   * keep-alive, so the balancer's idle connections are gone). A leak keeps what it took.
   */
  idle?: { warmupS: number; settleS: number };
  onSample?: (sample: SoakSample) => void;
}

async function metricsOf(api: ApiInstance) {
  const text = await (await fetch(api.metricsUrl)).text();
  const value = (series: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${series} `));
    return line ? Number(line.split(" ")[1]) : Number.NaN;
  };
  return {
    handles: value("brisk_nodejs_active_handles_total"),
    timers: value('brisk_nodejs_active_resources{type="Timeout"}'),
  };
}

async function sampleInstance(stack: Stack, api: ApiInstance): Promise<InstanceSample> {
  const pid = api.proc.child.pid!;
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  const [metrics, fds, [row]] = await Promise.all([
    metricsOf(api),
    readdir(`/proc/${pid}/fd`),
    stack.sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where application_name like ${`brisk-api:${pid}@%`}`,
  ]);
  return {
    rssMb: Math.round(rssKb / 102.4) / 10,
    openFds: fds.length,
    ...metrics,
    pgConnections: row!.n,
  };
}

function p99(outcomes: Outcome[]) {
  if (outcomes.length === 0) return 0;
  const sorted = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length * 0.99)]! * 10) / 10;
}

/** Each connection's pause between its requests. */
export const THINK_MS = 150;

/**
 * A bounded soak: mixed load through the balancer for `seconds`, sampling throughput, latency,
 * and each instance's memory, handles, timers and database connections every `everyS`.
 */
export async function soak(stack: Stack, token: string, options: SoakOptions) {
  const idleSample = async () => {
    await new Promise((resolve) => setTimeout(resolve, options.idle!.settleS * 1_000));
    const instances: Record<string, InstanceSample> = {};
    for (const api of stack.apis) instances[api.name] = await sampleInstance(stack, api);
    return instances;
  };
  let idleBefore: Record<string, InstanceSample> | undefined;
  if (options.idle) {
    const warm = startLoad(stack, token, options);
    await new Promise((resolve) => setTimeout(resolve, options.idle!.warmupS * 1_000));
    await warm.stop();
    idleBefore = await idleSample();
  }
  const load = startLoad(stack, token, options);
  const samples: SoakSample[] = [];
  const started = performance.now();
  let seen = 0;
  while (performance.now() - started < options.seconds * 1_000) {
    await new Promise((resolve) => setTimeout(resolve, options.everyS * 1_000));
    const window = load.outcomes.slice(seen);
    seen += window.length;
    const instances: Record<string, InstanceSample> = {};
    for (const api of stack.apis) instances[api.name] = await sampleInstance(stack, api);
    const sample: SoakSample = {
      at: Math.round((performance.now() - started) / 100) / 10,
      requests: seen,
      reqPerS: Math.round(window.length / options.everyS),
      p99Ms: p99(window),
      errors: window.filter((o) => o.status < 200 || o.status >= 300).length,
      instances,
    };
    samples.push(sample);
    options.onSample?.(sample);
  }
  const outcomes = await load.stop();
  const idleAfter = idleBefore ? await idleSample() : undefined;
  return {
    samples,
    outcomes,
    counts: tally(outcomes),
    idle: idleBefore && idleAfter ? { before: idleBefore, after: idleAfter } : undefined,
  };
}

function startLoad(stack: Stack, token: string, options: SoakOptions) {
  return startMixedLoad({
    url: stack.url,
    token,
    connections: options.connections,
    tag: "soak",
    users: options.users,
    // Sign-ins hash a password (184 ms of a core) and reports make PDFs: a few of each, as
    // people do, beside the reads and writes that make up the traffic.
    mix: { read: 60, list: 20, write: 15, "sign-in": 0.05, report: 0.1 },
    // Paced below what two cores can answer: a soak looks for what grows over time, and a
    // machine held at saturation would instead measure load shedding (sign-ins refused 503
    // when their hashing threads, niced below request work, get no core).
    thinkMs: THINK_MS,
  });
}

/** Least-squares slope of `ys` over `xs`. */
function slope(xs: number[], ys: number[]) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * What the soak's samples say after warm-up (the first `warmupShare` of them: tier 1 filling
 * to its bound, V8 growing its heap, pools opening): per instance, the least-squares trend of
 * each measure over the requests served, as RSS MB per 100,000 requests and, for counts
 * (handles, timers, descriptors, connections), as the drift across the steady part. A trend
 * rather than last minus first, because sockets come and go: one look may catch a dozen more
 * keep-alive connections open than the next.
 */
export function trends(samples: SoakSample[], warmupShare = 0.4) {
  const steady = samples.slice(Math.floor(samples.length * warmupShare));
  const requests = steady.map((s) => s.requests);
  const span = requests.at(-1)! - requests[0]!;
  const names = Object.keys(steady[0]!.instances);
  return Object.fromEntries(
    names.map((name) => {
      const of = (pick: (s: InstanceSample) => number) =>
        steady.map((s) => pick(s.instances[name]!));
      const drift = (pick: (s: InstanceSample) => number) =>
        Math.round(slope(requests, of(pick)) * span * 10) / 10;
      const rss = of((s) => s.rssMb);
      return [
        name,
        {
          rssMbPer100kRequests: Math.round(slope(requests, rss) * 100_000 * 10) / 10,
          rssMb: { first: rss[0]!, last: rss.at(-1)!, max: Math.max(...rss) },
          handlesDrift: drift((s) => s.handles),
          timersDrift: drift((s) => s.timers),
          fdsDrift: drift((s) => s.openFds),
          pgConnectionsDrift: drift((s) => s.pgConnections),
        },
      ];
    }),
  );
}
